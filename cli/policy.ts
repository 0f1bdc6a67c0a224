/**
 * `policy propose FILE`, `policy approve ID` and `policy list`: parameter versions published by two
 * managers (docs/parameters.md). The file format is rules/parameterProposal.ts; the store keeps the
 * versions (store/parameterVersions.ts) and writes every act and refusal to the `_admin` trail.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BUSINESS_NAMES, CASE_TYPES, isCaseType, type CaseType } from '../rules/caseTypes';
import { ParameterFileError, parseParameterProposal, type ParameterProposal } from '../rules/parameterProposal';
import { defaultParameters, PARAMETERS_OF_TYPE, versionInForce, type Parameters } from '../rules/params';
import {
  approveParameterVersion,
  listParameterVersions,
  loadPublishedParameters,
  ParameterVersionRefused,
  proposeParameterVersion,
  type PolicyActor,
  type Store,
  type StoredParameterVersion,
} from '../store';
import { beijingDate, beijingIso, beijingTime } from '../time/beijing';
import { draftOfProposal } from '../policy/draft';
import { simulateDraft } from '../policy/simulate';
import { summaryRows } from '../policy/summary';
import { parseArgs, UsageError, type CommandSpec } from './args';
import type { CliPerson } from './calendar';
import { provenPerson } from './password';

/** Each policy command's arguments and usage line. */
const POLICY_COMMANDS = {
  propose: { usage: 'policy propose FILE.json --as USER', options: ['as'] },
  approve: { usage: 'policy approve ID --as USER', options: ['as'] },
  list: { usage: 'policy list [--business lump-sum|transfer|reimbursement] [--json]', options: ['business'], flags: ['json'] },
} as const satisfies Record<string, CommandSpec>;
const USAGE = Object.values(POLICY_COMMANDS)
  .map((c) => c.usage)
  .join('\n');

type Out = (line: string) => void;

/**
 * Runs a policy command. Proposing and approving need a proven manager (`--as USER` and their
 * password); listing reads only. `now` is the clock the effective dates are judged by (Beijing date).
 */
export async function runPolicyCommand(
  args: string[],
  store: Store,
  cli: CliPerson,
  out: Out = (l) => process.stdout.write(l + '\n'),
  err: Out = (l) => process.stderr.write(l + '\n'),
  now: () => Date = () => new Date(),
): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !Object.hasOwn(POLICY_COMMANDS, sub))
    throw new UsageError(sub ? `unknown policy command: ${sub}` : 'policy needs a command', USAGE);
  const spec: CommandSpec = POLICY_COMMANDS[sub as keyof typeof POLICY_COMMANDS];
  const parsed = parseArgs(rest, spec);
  const who = parsed.options.get('as') ?? cli.user;
  switch (sub) {
    case 'propose': {
      const file = parsed.positionals[0];
      if (!file || parsed.positionals.length !== 1) throw new UsageError('policy propose needs one file', spec.usage);
      const read = readProposalFile(file);
      if ('error' in read) return refuse(err, `policy propose refused: ${path.basename(file)}: ${read.error}`);
      const person = await provenPerson(store, who, cli.password, 'proposes the parameter version');
      const before = await loadPublishedParameters(store);
      try {
        const stored = await proposeParameterVersion(
          store,
          actorOf(person),
          { proposal: read.proposal, file: path.basename(file), sha256: read.sha256 },
          beijingDate(now()),
        );
        out(JSON.stringify(shown(stored)));
        for (const line of proposalSummary(stored, read.proposal, before)) err(line);
        // What it would have done to every case decided so far, had it been in force (policy/simulate.ts).
        const simulated = await simulateDraft(store, {
          draft: draftOfProposal(read.proposal, path.basename(file), read.sha256),
          base: before,
        });
        err('模拟（已决定的案件，视同该版本现行）：');
        for (const [label, value] of summaryRows(simulated, now())) if (!/^(模拟时间|草案)/.test(label)) err(`  ${label}：${value}`);
        err(`the cases affected, as a workbook and a chart: npx tsx client.ts policy simulate --draft ${file} --out FILE.xlsx`);
        err(`a second manager publishes it: npx tsx client.ts policy approve ${stored.id} --as USER`);
        return 0;
      } catch (e) {
        if (e instanceof ParameterVersionRefused) return refuse(err, `policy propose refused: ${e.message}`);
        throw e;
      }
    }
    case 'approve': {
      const text = parsed.positionals[0];
      if (!text || !/^[1-9]\d{0,15}$/.test(text) || parsed.positionals.length !== 1)
        throw new UsageError('policy approve needs the ID policy propose printed, such as 3', spec.usage);
      const person = await provenPerson(store, who, cli.password, 'approves the parameter version');
      try {
        const stored = await approveParameterVersion(store, actorOf(person), Number(text), beijingDate(now()));
        out(JSON.stringify(shown(stored)));
        err(
          `${stored.business}@${stored.effectiveFrom} (${stored.documentNumber}) published: proposed by ${stored.proposedBy}, approved by ${stored.approvedBy} at ${beijingTime(stored.approvedAt)}; cases with an effective date from ${stored.effectiveFrom} on are decided by it`,
        );
        return 0;
      } catch (e) {
        if (e instanceof ParameterVersionRefused) return refuse(err, `policy approve refused: ${e.message}`);
        throw e;
      }
    }
    case 'list': {
      const business = parsed.options.get('business');
      if (business !== undefined && !isCaseType(business))
        throw new UsageError(`--business takes ${CASE_TYPES.join(', ')}, not ${business}`, spec.usage);
      const rows = await versionRows(store, business);
      if (parsed.flags.has('json')) out(JSON.stringify(rows));
      else for (const line of readable(rows)) out(line);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}

function refuse(err: Out, message: string): number {
  err(message);
  return 1;
}

function actorOf(person: { username: string; role: PolicyActor['role'] }): PolicyActor {
  return { actor: { kind: 'user', name: person.username }, role: person.role, via: 'cli' };
}

/** The file's proposal and the sha256 of its bytes, or what is wrong with it. */
function readProposalFile(file: string): { proposal: ParameterProposal; sha256: string } | { error: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    return { error: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  try {
    return { proposal: parseParameterProposal(bytes.toString('utf8')), sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
  } catch (e) {
    if (e instanceof ParameterFileError) return { error: e.message };
    throw e;
  }
}

/** A stored version as JSON, its times in Beijing time. */
function shown(v: StoredParameterVersion) {
  return {
    id: v.id,
    business: v.business,
    effectiveFrom: v.effectiveFrom,
    documentNumber: v.documentNumber,
    status: v.status,
    file: v.file,
    sha256: v.fileSha256,
    proposedBy: v.proposedBy,
    proposedAt: beijingIso(v.proposedAt),
    approvedBy: v.approvedBy,
    approvedAt: v.approvedAt === null ? null : beijingIso(v.approvedAt),
  };
}

/** Leaf values of a version by dotted path, its citation and publication left aside. */
function leaves(value: unknown, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (prefix === '' && (key === 'citation' || key === 'approval' || key === 'effectiveFrom')) continue;
      for (const [k, v] of leaves(inner, prefix ? `${prefix}.${key}` : key)) found.set(k, v);
    }
  } else found.set(prefix, String(value));
  return found;
}

/** What a proposal is, and what it changes from the version it follows. */
function proposalSummary(stored: StoredParameterVersion, proposal: ParameterProposal, before: Parameters): string[] {
  const list = before[PARAMETERS_OF_TYPE[proposal.business]].versions as ReadonlyArray<{ effectiveFrom: string }>;
  const previous = versionInForce(list, stored.effectiveFrom);
  const lines = [
    `proposed version ${stored.id}: ${BUSINESS_NAMES[stored.business]} ${stored.business}@${stored.effectiveFrom}, ${stored.documentNumber}, ${Object.keys(proposal.version.citation.articles).length} articles cited, by ${stored.proposedBy}`,
  ];
  if (!previous) return lines;
  const old = leaves(previous);
  const changed = [...leaves(proposal.version)].filter(([k, v]) => old.get(k) !== v).map(([k, v]) => `${k} ${old.get(k) ?? '—'} → ${v}`);
  lines.push(
    changed.length === 0
      ? `  same values as ${stored.business}@${previous.effectiveFrom}`
      : `  changes from ${stored.business}@${previous.effectiveFrom}: ${changed.join('; ')}`,
  );
  return lines;
}

interface VersionRow {
  id: number | null;
  business: CaseType;
  effectiveFrom: string;
  documentNumber: string;
  status: 'shipped' | 'proposed' | 'published';
  proposedBy: string | null;
  proposedAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
}

/** The shipped versions and those of the store, by business and effective date; times as +08:00 ISO. */
async function versionRows(store: Store, business: CaseType | undefined): Promise<VersionRow[]> {
  const shipped: VersionRow[] = CASE_TYPES.filter((b) => !business || b === business).flatMap((b) =>
    (
      defaultParameters[PARAMETERS_OF_TYPE[b]].versions as ReadonlyArray<{ effectiveFrom: string; citation: { documentNumber: string } }>
    ).map((v) => ({
      id: null,
      business: b,
      effectiveFrom: v.effectiveFrom,
      documentNumber: v.citation.documentNumber,
      status: 'shipped' as const,
      proposedBy: null,
      proposedAt: null,
      approvedBy: null,
      approvedAt: null,
    })),
  );
  const stored: VersionRow[] = (await listParameterVersions(store, business ? { business } : {})).map((v) => ({
    id: v.id,
    business: v.business,
    effectiveFrom: v.effectiveFrom,
    documentNumber: v.documentNumber,
    status: v.status,
    proposedBy: v.proposedBy,
    proposedAt: beijingIso(v.proposedAt),
    approvedBy: v.approvedBy,
    approvedAt: v.approvedAt === null ? null : beijingIso(v.approvedAt),
  }));
  return [...shipped, ...stored].sort(
    (a, b) =>
      CASE_TYPES.indexOf(a.business) - CASE_TYPES.indexOf(b.business) ||
      a.effectiveFrom.localeCompare(b.effectiveFrom) ||
      (a.id ?? 0) - (b.id ?? 0),
  );
}

const STATUS_WORDS = { shipped: '随程序提供', proposed: '待批准', published: '已发布' } as const;

/** One line a version, as the bureau reads it. */
function readable(rows: VersionRow[]): string[] {
  if (rows.length === 0) return ['no parameter versions'];
  return rows.map((r) =>
    [
      r.id === null ? '  -' : String(r.id).padStart(3),
      `${r.business}@${r.effectiveFrom}`,
      STATUS_WORDS[r.status],
      r.documentNumber,
      r.proposedBy ? `提出 ${r.proposedBy} ${beijingTime(r.proposedAt)}` : '',
      r.approvedBy ? `批准 ${r.approvedBy} ${beijingTime(r.approvedAt)}` : '',
    ]
      .filter(Boolean)
      .join('  '),
  );
}

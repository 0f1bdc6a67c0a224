/**
 * `policy simulate --draft DIR|FILE [--from DATE --to DATE] [--type T] [--out FILE.xlsx] --as USER`:
 * what a draft parameter change would have done to the cases already decided (policy/simulate.ts).
 * A proven manager, admin or auditor only; the run is recorded in the `_admin` trail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CASE_TYPES, isCaseType, type Parameters } from '../rules';
import type { Store } from '../store';
import { DraftError, loadDraft } from '../policy/draft';
import { runSimulation } from '../policy/run';
import { OUTCOME_NAMES, summaryRows, yuan } from '../policy/summary';
import { BUSINESS_NAMES } from '../rules';
import { isRealDate } from '../rules/dates';
import { beijingTime } from '../time/beijing';
import { parseArgs, UsageError, type CommandSpec } from './args';
import type { CliPerson } from './calendar';
import { provenPerson } from './password';

const POLICY_SIMULATE: CommandSpec = {
  usage:
    'policy simulate --draft DIR|FILE [--from YYYY-MM-DD --to YYYY-MM-DD] [--type lump-sum|transfer|reimbursement] [--out FILE.xlsx] --as USER',
  options: ['draft', 'from', 'to', 'type', 'out', 'as'],
};

/** Who may see what a draft would do: those who set policy, run the system, or audit it. */
const MAY_SIMULATE = new Set(['manager', 'admin', 'auditor']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Affected cases the terminal lists; the workbook has them all. */
const LISTED = 20;

type Out = (line: string) => void;

/** Runs `policy simulate` (args after `simulate`); 0 done, 1 refused, UsageError for a usage mistake. */
export async function runPolicySimulate(
  args: string[],
  store: Store,
  cli: Pick<CliPerson, 'user' | 'password'>,
  out: Out = (l) => process.stdout.write(l + '\n'),
  err: Out = (l) => process.stderr.write(l + '\n'),
  options: { base?: Parameters; now?: () => Date } = {},
): Promise<number> {
  const parsed = parseArgs(args, POLICY_SIMULATE);
  const usage = POLICY_SIMULATE.usage;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument: ${parsed.positionals[0]}`, usage);
  const draftPath = parsed.options.get('draft');
  if (!draftPath) throw new UsageError('policy simulate needs --draft DIR|FILE', usage);
  const from = parsed.options.get('from');
  const to = parsed.options.get('to');
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value !== undefined && (!DATE.test(value) || !isRealDate(value)))
      throw new UsageError(`--${name} needs a date YYYY-MM-DD, got ${value}`, usage);
  }
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`, usage);
  const type = parsed.options.get('type');
  if (type !== undefined && !isCaseType(type)) throw new UsageError(`--type needs one of ${CASE_TYPES.join(', ')}, got ${type}`, usage);
  const outFile = parsed.options.get('out');
  if (outFile !== undefined && !/\.xlsx$/i.test(outFile)) throw new UsageError(`--out needs a .xlsx file, got ${outFile}`, usage);
  if (outFile !== undefined && !fs.existsSync(path.dirname(path.resolve(outFile))))
    throw new UsageError(`--out: folder ${path.dirname(path.resolve(outFile))} does not exist`, usage);

  let draft;
  try {
    draft = loadDraft(draftPath);
  } catch (e) {
    if (e instanceof DraftError) return refuse(err, `policy simulate refused: draft ${e.message}`);
    throw e;
  }
  const person = await provenPerson(store, parsed.options.get('as') ?? cli.user, cli.password, 'simulates the draft');
  if (!MAY_SIMULATE.has(person.role))
    return refuse(
      err,
      `policy simulate refused: ${person.username} is ${person.role}; only a manager, an admin or an auditor simulates a draft`,
    );

  const run = await runSimulation(
    store,
    { username: person.username, role: person.role, via: 'cli' },
    { draft, from, to, type: type as never, base: options.base },
    options.now?.() ?? new Date(),
  );
  const { result } = run;
  for (const [label, value] of summaryRows(result, run.at)) out(`${label}：${value}`);
  if (result.rules.length > 0) {
    out('按规则（结论改变 / 规则结果变化 / 转人工审核 现行→草案）：');
    for (const r of result.rules)
      out(`  ${BUSINESS_NAMES[r.business]} ${r.rule}：${r.flips} / ${r.changed} / ${r.reviewBefore}→${r.reviewAfter}`);
  }
  if (result.affected.length > 0) {
    out(`受影响案件（前 ${Math.min(LISTED, result.affected.length)} 件，共 ${result.affectedTotal} 件）：`);
    for (const c of result.affected.slice(0, LISTED))
      out(
        `  ${c.caseId} ${BUSINESS_NAMES[c.type]} ${beijingTime(c.decidedAt)} ${c.idNumberMasked}：` +
          `${OUTCOME_NAMES[c.before.outcome]} ${c.before.amountFen === null ? '—' : yuan(c.before.amountFen)} → ` +
          `${OUTCOME_NAMES[c.after.outcome]} ${c.after.amountFen === null ? '—' : yuan(c.after.amountFen)}` +
          (c.rulesChanged.length ? `（${c.rulesChanged.join(',')}）` : ''),
      );
  }
  if (outFile) {
    const png = outFile.replace(/\.xlsx$/i, '.png');
    // Both files or neither: each is written aside, then moved into place.
    fs.writeFileSync(`${outFile}.part`, run.workbook);
    fs.writeFileSync(`${png}.part`, run.chartPng);
    fs.renameSync(`${png}.part`, png);
    fs.renameSync(`${outFile}.part`, outFile);
    err(`workbook ${outFile}, chart ${png}`);
  }
  return 0;
}

function refuse(err: Out, message: string): number {
  err(message);
  return 1;
}

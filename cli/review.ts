import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/env';
import { openAppStore } from '../config/openAppStore';
import { maskIdNumbersIn } from '../rules/idNumber';
import { listEvents } from '../store/auditTrail';
import { getCase } from '../store/caseRegister';
import { listReviewInbox, type InboxEntry, type SlaState } from '../store/reviewQueue';
import type { Store } from '../store';
import { actSigningKey } from '../security/actKeys';
import { reviewActions } from '../temporal/reviewActions';
import { provenPerson } from './password';
import { supplyDocuments } from '../temporal/supplyDocuments';
import { SupplementRefused } from '../intake/supplements';
import { reviewStateQuery } from '../workflows/messages';
import type { HumanDecisionKind } from '../workflows/reviewTypes';
import { caseWorkflowId } from '../workflows/types';
import { parseArgs, UsageError, type CommandSpec } from './args';
import { connectClient } from './temporalClient';
import { beijingIso } from '../time/beijing';

type Out = (line: string) => void;

/** Each review command's arguments and usage line. */
const REVIEW_COMMANDS = {
  list: {
    usage: 'review list [--type T] [--rule R] [--batch B] [--sla on-time|due-soon|overdue] [--proposed]',
    options: ['type', 'rule', 'batch', 'sla'],
    flags: ['proposed'],
  },
  show: { usage: 'review show CASE' },
  decide: {
    usage: 'review decide CASE --approve|--reject|--return --comment TEXT --as USER [--amount X --amount-reason R]',
    options: ['comment', 'as', 'amount', 'amount-reason'],
    flags: ['approve', 'reject', 'return'],
  },
  'second-look': {
    usage: 'review second-look CASE --approve|--send-back --comment TEXT --as USER',
    options: ['comment', 'as'],
    flags: ['approve', 'send-back'],
  },
  supply: {
    usage: 'review supply CASE --files FILE... [--note TEXT] [--replaces] --as USER',
    options: ['note', 'as'],
    flags: ['files', 'replaces'],
  },
} as const satisfies Record<string, CommandSpec>;
const REVIEW_USAGE = Object.values(REVIEW_COMMANDS)
  .map((c) => c.usage)
  .join('\n');

function refused(message: string): number {
  process.stderr.write(`refused: ${message}\n`);
  return 1;
}

/** An inbox entry with its times as Beijing ISO (+08:00), as a person at the terminal reads them. */
function inBeijingTime(e: InboxEntry): InboxEntry {
  const at = (iso: string | null) => (iso === null ? null : beijingIso(iso));
  return { ...e, slaReminder: at(e.slaReminder), slaDeadline: at(e.slaDeadline), updatedAt: beijingIso(e.updatedAt) };
}

/** The person at the terminal, proven by their password. The role is not asked for: the workflow reads it from the store. */
const authenticatePerson = (store: Store, username: string | undefined, passwordFromConfig: string | undefined) =>
  provenPerson(store, username, passwordFromConfig);

/** `review list|show|decide|second-look`: the exception inbox from a terminal. */
export async function runReviewCommand(config: AppConfig, argv: string[], out: Out): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || !Object.hasOwn(REVIEW_COMMANDS, sub))
    throw new UsageError(sub ? `unknown review command: ${sub}` : 'review needs a command', REVIEW_USAGE);
  const spec: CommandSpec = REVIEW_COMMANDS[sub as keyof typeof REVIEW_COMMANDS];
  const args = parseArgs(rest, spec);
  const store = await openAppStore(config);
  try {
    switch (sub) {
      case 'list': {
        const sla = args.options.get('sla');
        if (sla && !['on-time', 'due-soon', 'overdue'].includes(sla))
          throw new UsageError('--sla takes on-time, due-soon or overdue', spec.usage);
        const entries = await listReviewInbox(store, {
          type: args.options.get('type'),
          rule: args.options.get('rule'),
          batchId: args.options.get('batch'),
          sla: sla as SlaState | undefined,
          ...(args.flags.has('proposed') ? { proposed: true } : {}),
        });
        for (const e of entries) out(JSON.stringify(inBeijingTime(e)));
        process.stderr.write(`${entries.length} case(s) waiting for review\n`);
        return 0;
      }
      case 'show': {
        const caseId = args.positionals[0];
        if (!caseId || args.positionals.length > 1) throw new UsageError('review show needs one case', spec.usage);
        const stored = await getCase(store, caseId);
        if (!stored) {
          process.stderr.write(`no case ${caseId}\n`);
          return 1;
        }
        const events = await listEvents(store, caseId);
        const decided = [...events].reverse().find((e) => e.step === 'decided' || e.step === 'corrected');
        const checks = ((decided?.outcome as { checks?: { rule: string; result: string; message: string }[] } | null)?.checks ?? []).filter(
          (c) => c.result === 'fail',
        );
        const { client, close } = await connectClient(config);
        const review = await client.workflow
          .getHandle(caseWorkflowId(caseId))
          .query(reviewStateQuery)
          .catch(() => null)
          .finally(close);
        out(
          maskIdNumbersIn(
            JSON.stringify({
              case: { ...stored, updatedAt: beijingIso(stored.updatedAt) },
              review,
              failedChecks: checks,
              trail: events.map((e) => ({ seq: e.seq, step: e.step, at: beijingIso(e.at), actor: e.actor })),
            }),
          ),
        );
        return 0;
      }
      case 'decide':
      case 'second-look': {
        const caseId = args.positionals[0];
        const choices = sub === 'decide' ? (['approve', 'reject', 'return'] as const) : (['approve', 'send-back'] as const);
        const chosen = choices.filter((d) => args.flags.has(d));
        if (!caseId || args.positionals.length > 1) throw new UsageError(`review ${sub} needs one case`, spec.usage);
        if (chosen.length !== 1) throw new UsageError(`say one of ${choices.map((c) => `--${c}`).join(', ')}`, spec.usage);
        const person = await authenticatePerson(store, args.options.get('as') ?? config.cli.user, config.cli.password);
        const amount = args.options.get('amount');
        const { client, close } = await connectClient(config);
        try {
          const actions = reviewActions(client, actSigningKey(config));
          const comment = args.options.get('comment') ?? '';
          let result;
          if (sub === 'second-look') {
            result = await actions.secondLook(caseId, person.username, { verdict: chosen[0] as 'approve' | 'send-back', comment });
          } else {
            const state = await client.workflow.getHandle(caseWorkflowId(caseId)).query(reviewStateQuery);
            if (state.claimedBy !== person.username) {
              const claimed = await actions.claim(caseId, person.username);
              if (!claimed.ok) return refused(claimed.message);
            }
            result = await actions.decide(caseId, person.username, {
              decision: chosen[0] as HumanDecisionKind,
              comment,
              ...(amount === undefined ? {} : { amount, amountReason: args.options.get('amount-reason') ?? '' }),
            });
          }
          if (!result.ok) return refused(result.message);
          out(maskIdNumbersIn(JSON.stringify(result.value)));
          if (result.value.status === 'proposed')
            process.stderr.write(`proposed: waiting for a second look by a supervisor (${result.value.proposal?.needs.join('; ')})\n`);
          return 0;
        } finally {
          await close();
        }
      }
      case 'supply': {
        const [caseId, ...files] = args.positionals;
        if (!caseId || !args.flags.has('files') || files.length === 0)
          throw new UsageError('review supply needs a case and --files with at least one file', spec.usage);
        const uploads = files.map((file) => {
          try {
            return { name: path.basename(file), bytes: fs.readFileSync(file) };
          } catch (err) {
            throw new UsageError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
          }
        });
        const person = await authenticatePerson(store, args.options.get('as') ?? config.cli.user, config.cli.password);
        const { client, close } = await connectClient(config);
        try {
          const result = await supplyDocuments({
            store,
            dataDir: config.dataDir,
            actions: reviewActions(client, actSigningKey(config)),
            caseId,
            username: person.username,
            uploads,
            note: args.options.get('note') ?? '',
            replaces: args.flags.has('replaces'),
          }).catch((err: unknown) => {
            if (err instanceof SupplementRefused) return { ok: false as const, message: err.message };
            throw err;
          });
          if (!result.ok) return refused(result.message);
          out(JSON.stringify({ caseId, supplied: uploads.map((u) => u.name), round: result.value.round }));
          return 0;
        } finally {
          await close();
        }
      }
      default:
        throw new UsageError(`unknown review command: ${sub}`, REVIEW_USAGE);
    }
  } finally {
    await store.close();
  }
}

import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { AppConfig } from '../config/env';
import { openAppStore } from '../config/openAppStore';
import { maskIdNumbersIn } from '../rules/idNumber';
import { listEvents } from '../store/auditTrail';
import { getCase } from '../store/caseRegister';
import { listReviewInbox, type SlaState } from '../store/reviewQueue';
import { getUser } from '../store/users';
import { claimUpdate, reviewStateQuery, reviewUpdate } from '../workflows/messages';
import type { HumanDecisionKind } from '../workflows/reviewTypes';
import { caseWorkflowId } from '../workflows/types';
import { parseArgs, UsageError } from './args';
import { connectClient } from './temporalClient';

type Out = (line: string) => void;

/** `review list|show|decide`: the exception inbox from a terminal. */
export async function runReviewCommand(config: AppConfig, argv: string[], out: Out): Promise<number> {
  const [sub, ...rest] = argv;
  const args = parseArgs(rest, ['type', 'rule', 'batch', 'sla', 'comment', 'amount', 'amount-reason', 'as']);
  const store = await openAppStore(config);
  try {
    switch (sub) {
      case 'list': {
        const sla = args.options.get('sla');
        if (sla && !['on-time', 'due-soon', 'overdue'].includes(sla)) throw new UsageError('--sla on-time|due-soon|overdue');
        const entries = await listReviewInbox(store, {
          type: args.options.get('type'),
          rule: args.options.get('rule'),
          batchId: args.options.get('batch'),
          sla: sla as SlaState | undefined,
        });
        for (const e of entries) out(JSON.stringify(e));
        process.stderr.write(`${entries.length} case(s) waiting for review\n`);
        return 0;
      }
      case 'show': {
        const caseId = args.positionals[0];
        if (!caseId) throw new UsageError('review show CASE');
        const stored = await getCase(store, caseId);
        if (!stored) {
          process.stderr.write(`no case ${caseId}\n`);
          return 1;
        }
        const events = await listEvents(store, caseId);
        const decided = [...events].reverse().find((e) => e.step === 'decided' || e.step === 'corrected');
        const checks = ((decided?.outcome as { checks?: { rule: string; result: string; message: string }[] } | null)?.checks ?? []).filter((c) => c.result === 'fail');
        const { client, close } = await connectClient(config);
        const review = await client.workflow.getHandle(caseWorkflowId(caseId)).query(reviewStateQuery).catch(() => null).finally(close);
        out(maskIdNumbersIn(JSON.stringify({ case: stored, review, failedChecks: checks, trail: events.map((e) => ({ seq: e.seq, step: e.step, at: e.at, actor: e.actor })) })));
        return 0;
      }
      case 'decide': {
        const caseId = args.positionals[0];
        const decisions = (['approve', 'reject', 'return'] as const).filter((d) => args.flags.has(d));
        if (!caseId || decisions.length !== 1) throw new UsageError('review decide CASE --approve|--reject|--return --comment TEXT --as USER');
        const username = args.options.get('as') ?? process.env.ZHISHEN_USER;
        if (!username) throw new UsageError('say who decides: --as USER (or ZHISHEN_USER)');
        const user = await getUser(store, username);
        if (!user || user.disabled) throw new UsageError(`no active user ${username}: create one with \`users add\``);
        const reviewer = { username: user.username, role: user.role };
        const amount = args.options.get('amount');
        const { client, close } = await connectClient(config);
        try {
          const handle = client.workflow.getHandle(caseWorkflowId(caseId));
          const state = await handle.query(reviewStateQuery);
          if (state.claimedBy !== reviewer.username) await handle.executeUpdate(claimUpdate, { args: [{ reviewer }] });
          const result = await handle.executeUpdate(reviewUpdate, {
            args: [
              {
                reviewer,
                decision: decisions[0] as HumanDecisionKind,
                comment: args.options.get('comment') ?? '',
                ...(amount === undefined ? {} : { amount, amountReason: args.options.get('amount-reason') ?? '' }),
              },
            ],
          });
          out(JSON.stringify(result));
          return 0;
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError) {
            process.stderr.write(`refused: ${err.cause?.message ?? err.message}\n`);
            return 1;
          }
          throw err;
        } finally {
          await close();
        }
      }
      default:
        throw new UsageError('review list|show CASE|decide CASE');
    }
  } finally {
    await store.close();
  }
}

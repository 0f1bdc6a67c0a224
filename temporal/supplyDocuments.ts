import { findAttachment } from '../intake/attachments';
import { stageSupplement, type SupplementUpload } from '../intake/supplements';
import type { Store } from '../store';
import { getCase } from '../store/caseRegister';
import { listEvents } from '../store/auditTrail';
import type { ActionResult, ActOptions, ReviewActions } from './reviewActions';

/** The receipts a case reads now, and where: its intake's, or those of its last hand-in. */
async function currentReceipts(store: Store, caseId: string): Promise<{ dir: string | null; names: string[] }> {
  const events = await listEvents(store, caseId);
  const supplied = events.findLast((e) => e.step === 'documents-supplied' && (e.inputs as { receipts?: unknown }).receipts);
  if (supplied) {
    const inputs = supplied.inputs as { receipts: string[]; attachmentsDir: string | null };
    return { dir: inputs.attachmentsDir, names: inputs.receipts };
  }
  const intake = events.findLast((e) => e.step === 'intake')?.inputs as
    { row?: { attachments?: string[] }; attachmentsDir?: string | null } | undefined;
  return { dir: intake?.attachmentsDir ?? null, names: intake?.row?.attachments ?? [] };
}

/**
 * A clerk hands in the documents a claimant supplied for a case returned for documents (退回补正):
 * checked and staged like intake attachments, then sent to the case as a proven act. For 零星报销
 * the uploads join the case's receipts (or replace them), and the case reads them all again.
 */
export async function supplyDocuments(args: {
  store: Store;
  dataDir: string;
  actions: ReviewActions;
  caseId: string;
  username: string;
  uploads: readonly SupplementUpload[];
  note: string;
  /** The uploads replace the case's receipts instead of joining them. */
  replaces?: boolean;
  options?: ActOptions;
}): Promise<ActionResult<{ round: number }>> {
  const stored = await getCase(args.store, args.caseId);
  if (!stored) return { ok: false, message: `没有案件 ${args.caseId}` };
  if (stored.status !== 'returned') return { ok: false, message: '该案件不在等待补正材料' };
  const receipts = stored.type === 'reimbursement' ? await currentReceipts(args.store, args.caseId) : null;
  const carried =
    receipts && receipts.dir && !args.replaces
      ? receipts.names.flatMap((name) => {
          const found = findAttachment(receipts.dir!, args.caseId, name);
          return found ? [{ name, file: found.file }] : [];
        })
      : [];
  const staged = await stageSupplement(args.dataDir, args.caseId, args.uploads, carried);
  return args.actions.supply(
    args.caseId,
    args.username,
    {
      note: args.note,
      files: staged.files,
      ...(receipts ? { attachmentsDir: staged.dir, receipts: staged.receipts } : {}),
    },
    args.options,
  );
}

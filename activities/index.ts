import { ApplicationFailure } from '@temporalio/activity';
import { maskIdNumbersIn } from '../rules/idNumber';
import { carriedRowSchema, type IntakeRow } from '../intake/schemas';
import { readIntakeWorkbook } from '../intake/readWorkbook';
import { batchRowsInTurn, recordBatchRows } from '../store/batchRows';
import { getBatch, recordIntakeErrors, setBatchStatus, upsertBatch } from '../store/batches';
import { getCase } from '../store/caseRegister';
import { listEvents } from '../store/auditTrail';
import { assembleCaseFile } from './caseFile';
import type { DefaultQueueActivities } from '../workflows/activityContracts';
import type { ActivityDeps } from './deps';
import { sha256File } from './hashing';
import { decideAndRecord, recordStep, registerCase, roundStep, systemActor, rulebookActor } from './decision';
import type { CaseType } from '../rules/caseTypes';
import type { CaseInput, CaseResult } from '../workflows/types';

export type { ActivityDeps } from './deps';

function workbookEvidence(input: CaseInput) {
  const { workbook, caseRow } = input;
  return { kind: 'intake-workbook', ref: `${workbook.fileName}#${caseRow.sheet}!${caseRow.rowNumber}`, sha256: workbook.sha256 };
}

/** The activities of the default task queue: intake, decisions and the record. */
export function createActivities(deps: ActivityDeps): DefaultQueueActivities {
  const { store, logger } = deps;
  const now = deps.now ?? (() => new Date());

  const raiseException: DefaultQueueActivities['raiseException'] = async (unmasked) => {
    // The message goes into the trail, the result workbook and the log: a quoted 身份证号 is masked.
    const input = { ...unmasked, message: maskIdNumbersIn(unmasked.message) };
    const { caseRow } = input;
    await recordStep(store, {
      caseId: caseRow.caseId,
      key: roundStep('exception', input.round),
      step: 'exception',
      actor: systemActor,
      at: now().toISOString(),
      // A case file that could not be decided (e.g. a receipt field OCR could not read) is kept for the clerk.
      inputs: {
        code: input.code,
        ...(input.caseFile ? { caseFile: input.caseFile } : {}),
        ...(input.receiptLayouts ? { receiptLayouts: input.receiptLayouts } : {}),
      },
      outcome: { outcome: 'review', reasons: [input.code], message: input.message },
    });
    logger.info(`case ${caseRow.caseId}: to review — ${input.code} ${input.message}`, { caseId: caseRow.caseId });
    return {
      caseId: caseRow.caseId,
      type: caseRow.type,
      outcome: 'review',
      amount: null,
      reasons: [input.code],
      messages: [input.message],
      policyVersion: null,
    } satisfies CaseResult;
  };

  return {
    raiseException,

    async loadIntake({ batchId, workbook }) {
      const actual = await sha256File(workbook.path);
      if (actual !== workbook.sha256) {
        throw ApplicationFailure.nonRetryable(
          maskIdNumbersIn(`${workbook.fileName}: content changed since submission (sha256 ${actual} ≠ ${workbook.sha256})`),
        );
      }
      const intake = await readIntakeWorkbook(workbook.path).catch((err: unknown) => {
        throw ApplicationFailure.nonRetryable(maskIdNumbersIn(`${workbook.fileName}: ${err instanceof Error ? err.message : String(err)}`));
      });
      const existing = await getBatch(store, batchId);
      await upsertBatch(store, {
        batchId,
        workbookSha256: workbook.sha256,
        fileName: workbook.fileName,
        submittedAt: existing?.submittedAt ?? now().toISOString(),
        totalRows: intake.rows.length + intake.errors.length,
        status: 'running',
      });
      await recordIntakeErrors(
        store,
        batchId,
        intake.errors.map((e) => ({
          rowNumber: e.rowNumber,
          sheet: e.sheet,
          caseId: e.caseId ?? null,
          field: e.field,
          message: e.message,
        })),
      );
      await recordBatchRows(
        store,
        batchId,
        intake.rows.map((row) => ({ caseId: row.caseId, type: row.type, sheet: row.sheet, rowNumber: row.rowNumber, row })),
      );
      const byType: Record<CaseType, number> = { 'lump-sum': 0, transfer: 0, reimbursement: 0 };
      for (const row of intake.rows) byType[row.type] += 1;
      logger.info(`batch ${batchId}: ${intake.rows.length} cases, ${intake.errors.length} bad rows`, { batchId });
      return { total: intake.rows.length, invalidRows: new Set(intake.errors.map((e) => `${e.sheet}!${e.rowNumber}`)).size, byType };
    },

    async intakeRows({ batchId, offset, limit }) {
      const rows = await batchRowsInTurn(store, batchId, offset, limit);
      return rows.map((r) => ({ caseId: r.caseId, type: r.type as CaseType, sheet: r.sheet, rowNumber: r.rowNumber, row: r.row }));
    },

    async acceptCase(input) {
      const { caseRow } = input;
      // The batch validated the row; one that reaches here altered is refused, never decided.
      const checked = carriedRowSchema.safeParse(caseRow.row);
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        throw ApplicationFailure.nonRetryable(
          maskIdNumbersIn(`case ${caseRow.caseId}, ${caseRow.sheet} row ${caseRow.rowNumber}: ${issue.path.join('.')}: ${issue.message}`),
        );
      }
      const row = checked.data as IntakeRow;
      if (row.caseId !== caseRow.caseId || row.type !== caseRow.type) {
        throw ApplicationFailure.nonRetryable(`case ${caseRow.caseId}: intake row belongs to ${row.caseId} (${row.type})`);
      }
      await registerCase(store, input, 'running', null);
      await recordStep(store, {
        caseId: caseRow.caseId,
        key: 'intake',
        step: 'intake',
        actor: systemActor,
        at: now().toISOString(),
        inputs: { batchId: input.batchId, row, attachmentsDir: input.attachmentsDir ?? null },
        outcome: null,
        evidence: [workbookEvidence(input)],
      });
    },

    async decideCase(input) {
      const { caseRow } = input;
      const caseFile = assembleCaseFile(caseRow.row as IntakeRow, input.facts, input.receipts?.receipts);
      const outcome = await decideAndRecord(store, {
        caseRow,
        caseFile,
        evidence: (input.receipts?.evidence ?? []).map((e) => ({ kind: 'receipt', ref: e.file, sha256: e.sha256 })),
        // Where OCR read each field, for the clerk's outlines; not part of the case file the rules see.
        extraInputs: input.receipts ? { receiptLayouts: input.receipts.receipts.map((r) => r.layout ?? null) } : undefined,
        step: 'decided',
        key: roundStep('decided', input.round),
        actor: rulebookActor,
        at: now().toISOString(),
      });
      if (!outcome.ok) {
        const receiptLayouts = input.receipts?.receipts.map((r) => r.layout ?? null);
        const result = await raiseException({
          ...input,
          code: 'CASE-FILE-INVALID',
          message: `案卷数据不完整或有误：${outcome.error}`,
          caseFile,
          receiptLayouts,
        });
        // The clerk gets the case file as it is, to correct the field named and let the rules decide.
        return { result, caseFile, provisionalOutcome: 'approve' };
      }
      const { result } = outcome.decided;
      if (result.outcome !== 'review') {
        // Decided, but not closed until the core system has it (待录入).
        await registerCase(store, input, 'decided', result);
      }
      logger.info(`case ${caseRow.caseId}: ${result.outcome} ${result.reasons.join(',')}`, { caseId: caseRow.caseId });
      return outcome.decided;
    },

    async closeCase({ batchId, caseRow, result }) {
      await registerCase(store, { batchId, caseRow }, result.outcome === 'review' ? 'review' : 'closed', result);
      await recordStep(store, {
        caseId: caseRow.caseId,
        key: 'closed',
        step: 'closed',
        actor: systemActor,
        at: now().toISOString(),
        inputs: {},
        ruleSetVersion: result.policyVersion,
        outcome: { outcome: result.outcome, amount: result.amount, reasons: result.reasons },
      });
    },

    async existingCaseResult({ caseId }) {
      const stored = await getCase(store, caseId);
      if (!stored || stored.outcome === null) return null;
      return {
        caseId,
        type: stored.type as CaseType,
        outcome: stored.outcome as CaseResult['outcome'],
        amount: stored.amount,
        reasons: stored.reasons,
        messages: [],
        policyVersion: null,
        batchId: stored.batchId,
      };
    },

    async resumeFromTrail({ caseId }) {
      const events = await listEvents(store, caseId);
      const lastDecision = events.findLast((e) => e.step === 'reviewed');
      if (!lastDecision || events.some((e) => e.seq > lastDecision.seq && e.step === 'closed')) return null;
      const after = (lastDecision.outcome as { after?: { outcome?: string; amount?: string | null } } | null)?.after;
      if (after?.outcome !== 'approve' && after?.outcome !== 'reject') return null;
      const stored = await getCase(store, caseId);
      const rulesSaid = events.findLast(
        (e) => e.seq < lastDecision.seq && (e.step === 'decided' || e.step === 'corrected' || e.step === 'exception'),
      );
      const reasons = ((rulesSaid?.outcome as { reasons?: string[] } | null)?.reasons ?? stored?.reasons ?? []).slice();
      const decided = lastDecision.inputs as { comment?: string };
      const rounds = events.filter((e) => e.step === 'review-opened').length;
      logger.info(`case ${caseId}: resuming from the trail — ${lastDecision.actor.name}'s ${after.outcome} is entered, not decided again`, {
        caseId,
      });
      return {
        round: Math.max(1, rounds),
        result: {
          caseId,
          type: (stored?.type ?? 'lump-sum') as CaseType,
          outcome: after.outcome,
          amount: after.amount ?? null,
          reasons,
          messages: [
            `人工审核（${lastDecision.actor.name}）：${after.outcome === 'approve' ? '通过' : '不予受理'}${decided.comment ? ' — ' + decided.comment : ''}`,
          ],
          policyVersion: lastDecision.ruleSetVersion,
        },
      };
    },

    async finishBatch({ batchId, progress }) {
      await setBatchStatus(store, batchId, 'done');
      await deps.notifier?.notify({
        kind: 'batch-finished',
        key: batchId,
        batchId,
        total: progress.total,
        invalidRows: progress.invalidRows,
        byOutcome: progress.byOutcome,
      });
      // Every batch ends under a signature: its events are in a checkpoint exported outside the store.
      await deps.checkpointer?.checkpoint(`batch ${batchId} finished`);
      logger.info(`batch ${batchId} finished: ${JSON.stringify(progress.byOutcome)}`, { batchId });
    },
  };
}

export { legacyBotActivities } from './legacyBots';

import type { AppConfig } from '../config/env';
import { workflowUiLink } from '../config/temporalUi';
import type { ResultRow } from '../intake/report';
import { SHEET_ORDER, typeOfSheet } from '../intake/sheets';
import { listEvents } from '../store/auditTrail';
import { batchRowsPage } from '../store/batchRows';
import { listIntakeErrors } from '../store/batches';
import { getCase } from '../store/caseRegister';
import type { Store } from '../store';
import type { CaseType } from '../rules/caseTypes';
import { caseWorkflowId } from '../workflows/types';

interface Explained {
  reasonsText: string;
  messages: string;
}

/** The clerk-readable why of a case: the failed checks' messages, or the exception that stopped it. */
async function explain(store: Store, caseId: string): Promise<Explained> {
  const events = await listEvents(store, caseId);
  const decisive = [...events].reverse().find((e) => e.step === 'decided' || e.step === 'exception');
  const outcome = (decisive?.outcome ?? {}) as {
    checks?: { rule: string; result: string; message: string }[];
    reasons?: string[];
    message?: string;
  };
  if (decisive?.step === 'exception') {
    const text = `${(outcome.reasons ?? []).join(',')} ${outcome.message ?? ''}`.trim();
    return { reasonsText: text, messages: outcome.message ?? '' };
  }
  const failed = (outcome.checks ?? []).filter((c) => c.result === 'fail');
  return {
    reasonsText: failed.map((c) => `${c.rule} ${c.message}`).join('；'),
    messages: failed.map((c) => c.message).join('；'),
  };
}

/** One result row per workbook row of the batch: its cases with their outcomes, and its bad rows. */
export async function collectBatchResults(store: Store, config: AppConfig, batchId: string): Promise<ResultRow[]> {
  const results: ResultRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await batchRowsPage(store, batchId, offset, 500);
    for (const row of page) {
      const stored = await getCase(store, row.caseId);
      const decided = stored?.outcome === 'approve' || stored?.outcome === 'reject' || stored?.outcome === 'review';
      const unsettled = stored ? '处理中或处理失败，见链接' : '未处理';
      const why = decided ? await explain(store, row.caseId) : { reasonsText: unsettled, messages: unsettled };
      results.push({
        caseId: row.caseId,
        sheet: row.sheet,
        rowNumber: row.rowNumber,
        type: row.type as CaseType,
        outcome: decided ? (stored!.outcome as ResultRow['outcome']) : 'error',
        amount: stored?.amount ?? null,
        reasons: stored?.reasons ?? [],
        reasonsText: why.reasonsText,
        messages: stored && stored.batchId !== batchId ? `已于批次 ${stored.batchId} 处理；${why.messages}` : why.messages,
        link: workflowUiLink(config, caseWorkflowId(row.caseId)),
      });
    }
    if (page.length < 500) break;
  }
  // A bad row may have several bad fields: one result row names them all.
  const badRows = new Map<string, ResultRow>();
  for (const e of await listIntakeErrors(store, batchId)) {
    const key = `${e.sheet}!${e.rowNumber}`;
    const seen = badRows.get(key);
    if (seen) {
      seen.reasonsText += `；${e.field}：${e.message}`;
      seen.messages += `；${e.message}`;
      continue;
    }
    badRows.set(key, {
      caseId: e.caseId,
      sheet: e.sheet,
      rowNumber: e.rowNumber,
      type: typeOfSheet(e.sheet) ?? 'lump-sum',
      outcome: 'error',
      amount: null,
      reasons: [],
      reasonsText: `${e.field}：${e.message}`,
      messages: e.message,
      link: null,
    });
  }
  results.push(...badRows.values());
  const sheetRank = (sheet: string) => {
    const i = SHEET_ORDER.indexOf(sheet as (typeof SHEET_ORDER)[number]);
    return i < 0 ? SHEET_ORDER.length : i;
  };
  return results.sort((a, b) => sheetRank(a.sheet) - sheetRank(b.sheet) || a.rowNumber - b.rowNumber);
}

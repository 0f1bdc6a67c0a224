import type { AppConfig } from '../config/env';
import { openAppStore } from '../config/openAppStore';
import { exportCaseAudit } from '../audit/export';

/** `audit export CASE --out FILE.pdf|.xlsx`: writes the trail; prints {caseId, out, format, events, verdict}. */
export async function auditExport(config: AppConfig, caseId: string, outFile: string, out: (line: string) => void): Promise<number> {
  const store = await openAppStore(config);
  try {
    const result = await exportCaseAudit(store, caseId, outFile);
    out(JSON.stringify(result));
    // The file is written either way; a broken chain is the auditor's finding, reported by the status.
    return result.verdict.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

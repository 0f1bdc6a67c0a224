import type { FieldCorrection } from '../workflows/reviewTypes';

type Token = string | number;

/** `receipts[0].total` → ['receipts', 0, 'total']. */
function parsePath(path: string): Token[] {
  const tokens: Token[] = [];
  for (const part of path.split('.')) {
    const m = /^([A-Za-z]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`字段路径 ${path} 无效`);
    tokens.push(m[1]!);
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) tokens.push(Number(index[1]));
  }
  return tokens;
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/**
 * The case file with a clerk's corrections applied, and the before/after of each field. Only fields
 * that already exist can be corrected: a correction never invents structure. A receipt field the clerk
 * corrects (or confirms with the same value) loses its OCR confidence: a person read it from the
 * original, so it is no longer a measurement for RB-11 to doubt.
 */
export function applyCorrections(
  caseFile: Record<string, unknown>,
  corrections: FieldCorrection[],
): { caseFile: Record<string, unknown>; changes: FieldChange[] } {
  const copy = structuredClone(caseFile);
  const changes: FieldChange[] = [];
  for (const { path, value } of corrections) {
    const tokens = parsePath(path);
    let parent: Record<string | number, unknown> = copy;
    for (const token of tokens.slice(0, -1)) {
      const next = parent[token];
      if (next === null || typeof next !== 'object') throw new Error(`案卷中没有字段 ${path}`);
      parent = next as Record<string | number, unknown>;
    }
    const last = tokens[tokens.length - 1]!;
    if (!(last in parent)) throw new Error(`案卷中没有字段 ${path}`);
    changes.push({ path, before: parent[last], after: value });
    parent[last] = value;
    const confidence = parent.confidence;
    if (typeof last === 'string' && confidence !== null && typeof confidence === 'object' && last in confidence) {
      delete (confidence as Record<string, unknown>)[last];
    }
  }
  return { caseFile: copy, changes };
}

/**
 * Fields of the case file that come from the application (the intake row) or from OCR of the
 * claimant's receipts: a clerk may correct them alone. Everything else was read from the core
 * system by the bots (assembleCaseFile), and correcting it needs a second person.
 */
const APPLICATION_FIELDS: Record<string, RegExp> = {
  'lump-sum': /^applicationDate$/,
  transfer: /^(applicationDate|from\.region)$/,
  reimbursement:
    /^(applicationDate|visit\.(kind|remote|admissionDate|dischargeDate|reason)|details(\[\d+\])?(\..+)?|receipts(\[\d+\])?(\..+)?)$/,
};

/** Whether any of the corrections changes data the core system reported. */
export function touchesCoreSystemData(type: string, corrections: readonly FieldCorrection[]): boolean {
  const own = APPLICATION_FIELDS[type];
  return corrections.some((c) => !own?.test(c.path));
}

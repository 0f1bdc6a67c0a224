/** The fields of a case file a clerk can correct, and a typed value from what they typed. */

export interface CorrectableField {
  path: string;
  value: unknown;
}

// The identity of the case is never corrected (the workflow refuses it as well).
const FIXED = new Set(['caseId', 'type']);

/** Every scalar leaf of the case file with its path (`receipts[0].total`), in document order. */
export function correctableFields(caseFile: Record<string, unknown>): CorrectableField[] {
  const fields: CorrectableField[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        // Path syntax allows letters only; OCR confidences are measurements, not facts to correct.
        if (!/^[A-Za-z]+$/.test(key) || key === 'confidence') continue;
        walk(v, path ? `${path}.${key}` : key);
      }
    } else if (!FIXED.has(path)) fields.push({ path, value });
  };
  walk(caseFile, '');
  return fields;
}

/**
 * The typed value of a correction, by the type of the value it replaces: numbers stay numbers,
 * true/false booleans, 空 (empty) null where the field was null. Throws a Chinese message otherwise.
 */
export function typedCorrection(before: unknown, raw: string): unknown {
  const text = raw.trim();
  if (typeof before === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`应为数字，而不是「${raw}」`);
    return Number(text);
  }
  if (typeof before === 'boolean') {
    if (['true', '是'].includes(text)) return true;
    if (['false', '否'].includes(text)) return false;
    throw new Error(`应为 是/否，而不是「${raw}」`);
  }
  if (before === null && text === '') return null;
  return text;
}

/** How a field's value is shown in the form. */
export function shownValue(value: unknown): string {
  if (value === null || value === undefined) return '（空）';
  if (typeof value === 'boolean') return value ? '是' : '否';
  return String(value);
}

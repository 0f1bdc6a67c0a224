/**
 * 身份证号 (GB 11643-1999) checks and masking. Pure: shared by the rulebook (CM-01),
 * intake validation and the log masker.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check character GB 11643 assigns to the first 17 digits. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export type IdProblem = 'length' | 'format' | 'checksum' | 'birthDate' | 'sex';

/**
 * Problems with an 18-character 身份证号, empty when it is valid. `birthDate` (YYYY-MM-DD) and
 * `sex` are compared only when given.
 */
export function idNumberProblems(id: string, expect: { birthDate?: string; sex?: 'M' | 'F' } = {}): IdProblem[] {
  if (id.length !== 18) return ['length'];
  if (!/^\d{17}[\dX]$/.test(id)) return ['format'];
  const problems: IdProblem[] = [];
  if (idCheckCharacter(id.slice(0, 17)) !== id[17]) problems.push('checksum');
  const birth = idBirthDate(id);
  if (birth === null || (expect.birthDate !== undefined && birth !== expect.birthDate)) problems.push('birthDate');
  if (expect.sex !== undefined && idSex(id) !== expect.sex) problems.push('sex');
  return problems;
}

/** Birth date encoded in characters 7–14, or null when it is not a real calendar date. */
export function idBirthDate(id: string): string | null {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})/.exec(id);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** Sex encoded by the 17th digit: odd for men. */
export function idSex(id: string): 'M' | 'F' {
  return Number(id[16]) % 2 === 1 ? 'M' : 'F';
}

/** The masked form used everywhere outside the clerk's view: `440402********1234`. */
export function maskIdNumber(id: string): string {
  if (id.length < 10) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

/** Any 18-character ID-number-shaped token in free text; used to scrub logs. */
const ID_NUMBER_PATTERN = /(?<![\dA-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dA-Za-z])/g;

/** Replaces every 身份证号 in a text by its masked form. */
export function maskIdNumbersIn(text: string): string {
  return text.replace(ID_NUMBER_PATTERN, (_m, head: string, _mid: string, tail: string) => `${head}********${tail.slice(-4)}`);
}

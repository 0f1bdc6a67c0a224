/**
 * A proposed parameter version, as a manager writes it (`policy propose FILE`): one version of one
 * business, in the very form of an entry of that business's `versions` in rules/params/*.json.
 *
 *   { "business": "reimbursement",
 *     "version": { "effectiveFrom": "2027-01-01",
 *                  "citation": { "documentNumber": "珠医保〔2026〕12号", "articles": { "CM-01": "…", "RB-01": "第五条", … } },
 *                  "deductible": { … }, … } }
 *
 * Every field is checked, ranges included; a field the format does not have is refused (a typo
 * would otherwise be dropped silently and the old value kept). Who proposed and approved it is
 * never the file's say: the store records the proven people.
 */
import { z } from 'zod';
import { LumpSumVersionSchema, ReimbursementVersionSchema, TransferVersionSchema } from './params';

const ProposalSchema = z.discriminatedUnion(
  'business',
  [
    z.object({ business: z.literal('lump-sum'), version: LumpSumVersionSchema }),
    z.object({ business: z.literal('transfer'), version: TransferVersionSchema }),
    z.object({ business: z.literal('reimbursement'), version: ReimbursementVersionSchema }),
  ],
  { error: 'expected business lump-sum, transfer or reimbursement' },
);
export type ParameterProposal = z.infer<typeof ProposalSchema>;

/** The file is not a valid proposal; the message names the field (`version.bFirstPay: must be between 0 and 1`). */
export class ParameterFileError extends Error {}

const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');

/** Keys of `input` that parsing dropped: fields the format does not have. */
function unknownFields(input: unknown, parsed: unknown, path: PropertyKey[] = []): string[] {
  if (Array.isArray(input) && Array.isArray(parsed)) return input.flatMap((item, i) => unknownFields(item, parsed[i], [...path, i]));
  if (!input || typeof input !== 'object' || !parsed || typeof parsed !== 'object') return [];
  return Object.keys(input).flatMap((key) =>
    Object.hasOwn(parsed, key)
      ? unknownFields((input as Record<string, unknown>)[key], (parsed as Record<string, unknown>)[key], [...path, key])
      : [pathText([...path, key])],
  );
}

/** Validates a proposal's data; throws ParameterFileError naming every bad field. */
export function parseParameterProposalData(input: unknown): ParameterProposal {
  const version = (input as { version?: unknown } | null)?.version;
  if (version && typeof version === 'object' && Object.hasOwn(version, 'approval'))
    throw new ParameterFileError('version.approval: who proposed and approved a version is recorded by the store, not written in the file');
  const result = ProposalSchema.safeParse(input);
  if (!result.success)
    throw new ParameterFileError(result.error.issues.map((issue) => `${pathText(issue.path) || '(file)'}: ${issue.message}`).join('; '));
  const unknown = unknownFields(input, result.data);
  if (unknown.length > 0) throw new ParameterFileError(unknown.map((field) => `${field}: not a field of the format`).join('; '));
  return result.data;
}

/** Reads a proposal file's text (UTF-8 JSON, BOM allowed); throws ParameterFileError naming what is wrong. */
export function parseParameterProposal(text: string): ParameterProposal {
  let input: unknown;
  try {
    input = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new ParameterFileError(`(file): not valid JSON (${(err as Error).message})`);
  }
  return parseParameterProposalData(input);
}

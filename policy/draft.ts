/**
 * A draft of parameter changes: one business's parameter file (rules/params/*.json format) or a
 * folder of them, validated by the very schemas the rulebook loads its own files with.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { LumpSumParamsSchema, ReimbursementParamsSchema, TransferParamsSchema, type Parameters } from '../rules/params';
import { CASE_TYPES, isCaseType, PARAMETERS_OF_TYPE, type CaseType } from '../rules';

/** One business's parameter set as the draft gives it. */
export interface DraftPart {
  business: CaseType;
  /** The file it came from (its name only, for messages and the audit record). */
  file: string;
  sha256: string;
  params: Parameters['lumpSum'] | Parameters['transfer'] | Parameters['reimbursement'];
}

/** A validated draft: one part per business it changes, and one digest over all of them. */
export interface Draft {
  parts: DraftPart[];
  /** sha256 of the file, or of the files' names and digests (a folder), in business order. */
  sha256: string;
}

/** A draft refused: the message names the file and the field. */
export class DraftError extends Error {
  override name = 'DraftError';
}

const SCHEMAS = {
  'lump-sum': LumpSumParamsSchema,
  transfer: TransferParamsSchema,
  reimbursement: ReimbursementParamsSchema,
} as const;

/** The file names a draft folder may hold, one per business. */
const DRAFT_FILES: Readonly<Record<CaseType, string>> = {
  'lump-sum': 'lump-sum.json',
  transfer: 'transfer.json',
  reimbursement: 'reimbursement.json',
};

/** Loads a draft from one parameter file or a folder of them (lump-sum.json, transfer.json, reimbursement.json). */
export function loadDraft(where: string): Draft {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(where);
  } catch {
    throw new DraftError(`${where}: no such file or folder`);
  }
  if (!stat.isDirectory()) return draftOf([parseDraftText(path.basename(where), readText(where))]);
  const parts = CASE_TYPES.flatMap((business) => {
    const file = path.join(where, DRAFT_FILES[business]);
    if (!fs.existsSync(file)) return [];
    const part = parseDraftText(DRAFT_FILES[business], readText(file));
    if (part.business !== business) throw new DraftError(`${DRAFT_FILES[business]}: business: ${part.business} in the file of ${business}`);
    return [part];
  });
  if (parts.length === 0) throw new DraftError(`${where}: holds none of ${Object.values(DRAFT_FILES).join(', ')}`);
  return draftOf(parts);
}

/** A draft from one file's text (the console's pasted or uploaded JSON); `file` names it in errors. */
export function parseDraftText(file: string, text: string): DraftPart {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DraftError(`${file}: not JSON: ${(err as Error).message}`);
  }
  const business = (raw as { business?: unknown } | null)?.business;
  if (!isCaseType(business)) {
    throw new DraftError(`${file}: business: expected one of ${CASE_TYPES.join(', ')}, got ${JSON.stringify(business ?? null)}`);
  }
  const parsed = (SCHEMAS[business] as z.ZodType).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(the whole file)';
    throw new DraftError(`${file}: ${field}: ${issue.message}`);
  }
  return {
    business,
    file,
    sha256: crypto.createHash('sha256').update(text).digest('hex'),
    params: parsed.data as DraftPart['params'],
  };
}

/** One draft of the given parts (at most one per business). */
export function draftOf(parts: DraftPart[]): Draft {
  const seen = new Set<CaseType>();
  for (const part of parts) {
    if (seen.has(part.business)) throw new DraftError(`${part.file}: business: ${part.business} given twice`);
    seen.add(part.business);
  }
  const sorted = [...parts].sort((a, b) => CASE_TYPES.indexOf(a.business) - CASE_TYPES.indexOf(b.business));
  const sha256 =
    sorted.length === 1
      ? sorted[0]!.sha256
      : crypto
          .createHash('sha256')
          .update(sorted.map((p) => `${p.file} ${p.sha256}\n`).join(''))
          .digest('hex');
  return { parts: sorted, sha256 };
}

/** The base parameters with each business of the draft replaced by the draft's set. */
export function applyDraft(base: Parameters, draft: Draft): Parameters {
  let params = base;
  for (const part of draft.parts) params = { ...params, [PARAMETERS_OF_TYPE[part.business]]: part.params };
  return params;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new DraftError(`${file}: cannot be read: ${(err as Error).message}`);
  }
}

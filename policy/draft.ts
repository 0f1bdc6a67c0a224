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
import { ParameterFileError, parseParameterProposalData, type ParameterProposal } from '../rules/parameterProposal';

type BusinessParams = Parameters['lumpSum'] | Parameters['transfer'] | Parameters['reimbursement'];

/**
 * One business's part of a draft: either its whole parameter set (a rules/params file: each case
 * is decided by the version of its own date, so an edit of a past version shows), or one proposed
 * version (the file `policy propose` takes: it is compared, as if in force, with the version it
 * follows, so a change dated next year still shows what it would do to this year's cases).
 */
export type DraftPart = {
  business: CaseType;
  /** The file it came from (its name only, for messages and the audit record). */
  file: string;
  sha256: string;
} & ({ params: BusinessParams; proposed?: undefined } | { params?: undefined; proposed: ParameterProposal['version'] });

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
  const sha256 = crypto.createHash('sha256').update(text).digest('hex');
  if (raw && typeof raw === 'object' && Object.hasOwn(raw, 'version') && !Object.hasOwn(raw, 'versions')) {
    try {
      const proposal = parseParameterProposalData(raw);
      return { business: proposal.business, file, sha256, proposed: proposal.version };
    } catch (err) {
      if (err instanceof ParameterFileError) throw new DraftError(`${file}: ${err.message}`);
      throw err;
    }
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
  return { business, file, sha256, params: parsed.data as BusinessParams };
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

/** A draft of one proposed version (the proposal `policy propose` stored). */
export function draftOfProposal(proposal: ParameterProposal, file: string, sha256: string): Draft {
  return draftOf([{ business: proposal.business, file, sha256, proposed: proposal.version }]);
}

/** The base parameters with the draft: each case decided by the version of its date, a proposal among them. */
export function applyDraft(base: Parameters, draft: Draft): Parameters {
  let params = base;
  for (const part of draft.parts) {
    const key = PARAMETERS_OF_TYPE[part.business];
    if (part.params) {
      params = { ...params, [key]: part.params };
      continue;
    }
    const others = (base[key].versions as ReadonlyArray<{ effectiveFrom: string }>).filter(
      (v) => v.effectiveFrom !== part.proposed.effectiveFrom,
    );
    const versions = [...others, part.proposed].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    params = { ...params, [key]: { ...base[key], versions } };
  }
  return params;
}

/** The effective date a proposal is moved back to on both sides, so it is in force for every recorded case. */
export const AS_IF_IN_FORCE_FROM = '1900-01-01';

/** The two sides a simulation compares: the parameters in force, and the same with the draft. */
export interface DraftSides {
  base: Parameters;
  draft: Parameters;
}

/**
 * The sides to compare for a draft over `base`. A whole set replaces the business's set; a proposed
 * version becomes the business's only version on the draft side, and the version it follows (the
 * latest dated before it) the only one on the base side, so every case is decided under each as if
 * it were in force and the difference is the proposal's alone.
 */
export function sidesOf(base: Parameters, draft: Draft): DraftSides {
  let before = base;
  let after = base;
  for (const part of draft.parts) {
    const key = PARAMETERS_OF_TYPE[part.business];
    if (part.params) {
      after = { ...after, [key]: part.params };
      continue;
    }
    const versions = base[key].versions as ReadonlyArray<{ effectiveFrom: string }>;
    const followed = versions.filter((v) => v.effectiveFrom < part.proposed.effectiveFrom).at(-1) ?? versions[0]!;
    const asIfInForce = (version: object) => ({ ...base[key], versions: [{ ...version, effectiveFrom: AS_IF_IN_FORCE_FROM }] });
    before = { ...before, [key]: asIfInForce(followed) };
    after = { ...after, [key]: asIfInForce(part.proposed) };
  }
  return { base: before, draft: after };
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new DraftError(`${file}: cannot be read: ${(err as Error).message}`);
  }
}

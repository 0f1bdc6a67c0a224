/**
 * Re-running the rulebook on a recorded decision: under the recorded parameter version (must match
 * byte for byte) and under the version in force today (shows what would change).
 */
import { canonicalJson } from '../store/canonicalJson';
import {
  decide,
  defaultParameters,
  isCaseType,
  parseCaseFile,
  PARAMETERS_OF_TYPE,
  versionInForce,
  type CaseType,
  type Parameters,
} from '../rules';
import type { Decision } from '../rules/schemas';

/** The part of a decision the 'decided' audit event records in its outcome. */
export interface RecordedDecision {
  outcome: unknown;
  amount: unknown;
  reasons: unknown;
  checks: unknown;
  details: unknown;
  policyVersion: string | null;
}

export interface FieldDiff {
  /** JSON path, e.g. `$.checks[2].result`. */
  path: string;
  recorded: unknown;
  now: unknown;
}

export type RedecideResult = { ok: true; decision: Decision; match: boolean; diffs: FieldDiff[] } | { ok: false; error: string };

/** What the record says, in the shape decide() returns, so both compare field by field. */
export function recordedOf(outcome: unknown, ruleSetVersion: string | null): RecordedDecision {
  const o = (outcome ?? {}) as Record<string, unknown>;
  return { outcome: o.outcome, amount: o.amount, reasons: o.reasons, checks: o.checks, details: o.details, policyVersion: ruleSetVersion };
}

/** The comparable part of a fresh decision: what decideAndRecord writes into the event. */
export function comparableOf(decision: Decision): RecordedDecision {
  return {
    outcome: decision.outcome,
    amount: decision.amount,
    reasons: decision.reasons,
    checks: decision.checks,
    details: decision.details,
    policyVersion: decision.policyVersion,
  };
}

/**
 * Parameters where the business's only version is the one the record names, so that no version
 * added since can be chosen instead. An edited version (same date, other values) still shows as diffs.
 */
export function pinnedParameters(policyVersion: string, params: Parameters = defaultParameters): Parameters | { error: string } {
  const [business, effectiveFrom] = policyVersion.split('@') as [string, string | undefined];
  if (!isCaseType(business) || !effectiveFrom) return { error: `unknown parameter version ${policyVersion}` };
  const key = PARAMETERS_OF_TYPE[business];
  const list = params[key].versions as ReadonlyArray<{ effectiveFrom: string }>;
  const version = list.find((v) => v.effectiveFrom === effectiveFrom);
  if (!version) return { error: `parameter version ${policyVersion} is no longer among rules/params (it was removed or re-dated)` };
  return { ...params, [key]: { ...params[key], versions: [version] } } as Parameters;
}

/**
 * Parameters where the business's only version is the one in force on `today`, made effective for
 * any date, so the recorded case is decided as if it arrived today. Returns its label too.
 */
export function todaysParameters(
  business: CaseType,
  today: string,
  params: Parameters = defaultParameters,
): { params: Parameters; label: string } | { error: string } {
  const key = PARAMETERS_OF_TYPE[business];
  const list = params[key].versions as ReadonlyArray<{ effectiveFrom: string }>;
  const version = versionInForce(list, today);
  if (!version) return { error: `no ${business} parameter version in force on ${today}` };
  // The first version's date keeps every date check of the schema and engine satisfied.
  const timeless = { ...version, effectiveFrom: '0001-01-01' };
  return {
    params: { ...params, [key]: { ...params[key], versions: [timeless] } } as Parameters,
    label: `${business}@${version.effectiveFrom}`,
  };
}

/** Decides the recorded case file under the given parameters and compares with the record. */
export function redecide(caseFile: unknown, recorded: RecordedDecision, params: Parameters, relabel?: string): RedecideResult {
  const parsed = parseCaseFile(caseFile, params);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  let decision: Decision;
  try {
    decision = decide(parsed.caseFile, params);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (relabel) decision = { ...decision, policyVersion: relabel } as Decision;
  const diffs = diffJson(recorded, comparableOf(decision));
  return { ok: true, decision, match: diffs.length === 0, diffs };
}

/** Paths where two JSON values differ, compared by their canonical text (key order never counts). */
function diffJson(recorded: unknown, now: unknown, path = '$'): FieldDiff[] {
  if (canonicalOrUndefined(recorded) === canonicalOrUndefined(now)) return [];
  const bothObjects = isPlainObject(recorded) && isPlainObject(now);
  const bothArrays = Array.isArray(recorded) && Array.isArray(now);
  if (bothArrays && recorded.length === now.length) {
    return recorded.flatMap((item, i) => diffJson(item, now[i], `${path}[${i}]`));
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(now)])].sort();
    return keys.flatMap((k) => diffJson(recorded[k], now[k], `${path}.${k}`));
  }
  return [{ path, recorded, now }];
}

function canonicalOrUndefined(value: unknown): string | undefined {
  return value === undefined ? undefined : canonicalJson(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

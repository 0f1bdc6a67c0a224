/**
 * The rule-set version a decision records in its audit event: what decided, not just which
 * package. `lump-sum@2025-01-01+sha256:<64 hex>/build:<commit>` names
 *  - the parameter version in force (the business and its effective date, as the decision's own
 *    `policyVersion` says: the customer's worked examples fix that field, so it stays as it is),
 *  - a digest of the parameter and calendar data that decision used: the business's parameter file
 *    with only that version (its undated tables too, e.g. contribution bases) and the whole calendar.
 *    A version added later for another date leaves the digest of older decisions alone; an edited
 *    version, table or calendar changes it; its citation (文号, 条款) and who published it do not,
 *  - the build: ZHISHEN_BUILD when set, else `git rev-parse HEAD` read once, else `unknown`.
 * Two builds with different parameters no longer look alike, and `audit replay` can say when
 * today's files are not the ones that decided.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CASE_TYPES, defaultParameters, loadParameters, PARAMETERS_OF_TYPE, type CaseType, type Parameters } from '../rules';
import { canonicalJson } from '../store/canonicalJson';
import { setting } from '../config/env';

const BUSINESS = CASE_TYPES.join('|');
const POLICY_VERSION = new RegExp(`^(${BUSINESS})@(\\d{4}-\\d{2}-\\d{2})$`);
const RULE_SET_VERSION = new RegExp(`^((?:${BUSINESS})@\\d{4}-\\d{2}-\\d{2})\\+sha256:([0-9a-f]{64})/build:(.+)$`);

export interface RuleSetVersion {
  /** `business@effectiveFrom`, the decision's policyVersion. */
  policyVersion: string;
  /** sha256 of the parameter and calendar data used; null on records made before it was recorded. */
  digest: string | null;
  build: string | null;
}

let buildOnce: string | undefined;

/** The build that runs: ZHISHEN_BUILD, else the git commit of this checkout (read once), else `unknown`. */
export function currentBuild(env: NodeJS.ProcessEnv = process.env): string {
  const given = setting('ZHISHEN_BUILD', env);
  if (given) return given;
  if (buildOnce === undefined) {
    try {
      const root = path.resolve(import.meta.dirname, '..');
      buildOnce =
        execFileSync('git', ['rev-parse', 'HEAD'], {
          cwd: root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: 5_000,
        }).trim() || 'unknown';
    } catch {
      buildOnce = 'unknown';
    }
  }
  return buildOnce;
}

/**
 * sha256 of the data a decision under `policyVersion` used, from `params`; an error when the
 * version is not among them (removed or re-dated since).
 */
export function ruleSetDigest(policyVersion: string, params: Parameters = defaultParameters): { digest: string } | { error: string } {
  const m = POLICY_VERSION.exec(policyVersion);
  if (!m) return { error: `unknown parameter version ${policyVersion}` };
  const [, business, effectiveFrom] = m as unknown as [string, CaseType, string];
  const file = params[PARAMETERS_OF_TYPE[business]];
  const version = (file.versions as ReadonlyArray<{ effectiveFrom: string }>).find((v) => v.effectiveFrom === effectiveFrom);
  if (!version) return { error: `parameter version ${policyVersion} is no longer among rules/params (it was removed or re-dated)` };
  // The citation (文号, 条款) and who published the version decide nothing: a version re-cited keeps its digest.
  const { citation: _citation, approval: _approval, ...values } = version as { citation?: unknown; approval?: unknown };
  const used = {
    params: { ...file, versions: [values] },
    calendar: { holidays: [...params.calendar.holidays].sort(), workingDays: [...params.calendar.workingDays].sort() },
  };
  return { digest: crypto.createHash('sha256').update(canonicalJson(used)).digest('hex') };
}

/**
 * The rule-set version to record for a parameter version. A value that is not a bare parameter
 * version (already complete, or null) is returned as it is, so every recorder may pass it through.
 * A version no longer among the files (a clerk's act on a case decided before it was re-dated) is
 * recorded bare, as before: recording a step must never fail on it.
 */
export function ruleSetVersionOf(
  policyVersion: string | null,
  params: Parameters = defaultParameters,
  build = currentBuild(),
): string | null {
  if (policyVersion === null || !POLICY_VERSION.test(policyVersion)) return policyVersion;
  const digest = ruleSetDigest(policyVersion, params);
  if ('error' in digest) return policyVersion;
  return `${policyVersion}+sha256:${digest.digest}/build:${build}`;
}

/** Reads a recorded rule-set version; a bare `business@date` (older records) has no digest or build. */
export function parseRuleSetVersion(recorded: string): RuleSetVersion {
  const m = RULE_SET_VERSION.exec(recorded);
  if (m) return { policyVersion: m[1]!, digest: m[2]!, build: m[3]! };
  return { policyVersion: recorded, digest: null, build: null };
}

/** The parameter version of a recorded rule-set version, for the places that show only that. */
export function policyVersionPart(recorded: string | null): string | null {
  return recorded === null ? null : parseRuleSetVersion(recorded).policyVersion;
}

/**
 * Parameters read from a copy of the rules' data directory (`<dir>/params/*.json` and
 * `<dir>/data/calendar.json`), to ask what a decision would be under other files than the shipped ones.
 */
export function loadParametersFromDir(dir: string): Parameters {
  const read = (file: string): unknown => {
    const full = path.join(dir, file);
    try {
      return JSON.parse(fs.readFileSync(full, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read parameter file ${full}: ${(err as Error).message}`, { cause: err });
    }
  };
  return loadParameters({
    lumpSum: read('params/lump-sum.json'),
    transfer: read('params/transfer.json'),
    reimbursement: read('params/reimbursement.json'),
    calendar: read('data/calendar.json'),
  });
}

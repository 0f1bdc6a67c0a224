/**
 * Parameter versions proposed and published through the store (080_parameter_versions.sql). The
 * files in rules/params are the seed; a published version is merged over them by its effective
 * date, so the bureau publishes a new version without a code release. One manager proposes, a
 * second one approves (four eyes); each act, and each refusal, goes to the `_admin` trail.
 */
import type { CaseType } from '../rules/caseTypes';
import { defaultParameters, PARAMETERS_OF_TYPE, withPublishedVersions, type Parameters } from '../rules/params';
import type { ParameterProposal } from '../rules/parameterProposal';
import type { Actor } from './auditEvent';
import { loadBureauCalendar } from './calendarYears';
import { isoUtc } from './sqlTime';
import type { Store } from './store';
import { recordAdminAct } from './userAdmin';
import type { Role } from './users';

/** One proposed or published version, as stored. */
export interface StoredParameterVersion {
  id: number;
  business: CaseType;
  effectiveFrom: string;
  documentNumber: string;
  /** The version as proposed: an entry of the business's `versions`, citation included. */
  version: Record<string, unknown>;
  file: string;
  fileSha256: string;
  status: 'proposed' | 'published';
  proposedBy: string;
  proposedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
}

/** Who acts, proven (CLI password or console session), with their role, and from where. */
export interface PolicyActor {
  actor: Actor;
  role: Role;
  via: 'cli' | 'console';
}

/** Proposing or approving was refused; the message says why. The refusal is on the `_admin` trail. */
export class ParameterVersionRefused extends Error {}

/** Who may propose and approve parameter versions. */
const MAY_PUBLISH: ReadonlySet<Role> = new Set(['manager']);

interface Row {
  id: string | number;
  business: CaseType;
  effective_from: string;
  document_number: string;
  version: Record<string, unknown>;
  file: string;
  file_sha256: string;
  status: 'proposed' | 'published';
  proposed_by: string;
  proposed_at: string;
  approved_by: string | null;
  approved_at: string | null;
}

const COLUMNS = `id, business, effective_from, document_number, version, file, file_sha256, status, proposed_by,
  ${isoUtc('proposed_at')} AS proposed_at, approved_by, ${isoUtc('approved_at')} AS approved_at`;

const ofRow = (r: Row): StoredParameterVersion => ({
  id: Number(r.id),
  business: r.business,
  effectiveFrom: r.effective_from,
  documentNumber: r.document_number,
  version: r.version,
  file: r.file,
  fileSha256: r.file_sha256,
  status: r.status,
  proposedBy: r.proposed_by,
  proposedAt: r.proposed_at,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at,
});

/** A proposed or published version by its ID; undefined when there is none. */
export async function getParameterVersion(store: Store, id: number): Promise<StoredParameterVersion | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  const [row] = await store.db.query<Row>(`SELECT ${COLUMNS} FROM parameter_versions WHERE id = $1`, [id]);
  return row && ofRow(row);
}

/** The versions proposed and published through the store, oldest first; of one business when given. */
export async function listParameterVersions(store: Store, filter: { business?: CaseType } = {}): Promise<StoredParameterVersion[]> {
  const rows = filter.business
    ? await store.db.query<Row>(`SELECT ${COLUMNS} FROM parameter_versions WHERE business = $1 ORDER BY id`, [filter.business])
    : await store.db.query<Row>(`SELECT ${COLUMNS} FROM parameter_versions ORDER BY id`);
  return rows.map(ofRow);
}

/**
 * `seed` with the versions published in the store merged over it (rules/params.ts
 * withPublishedVersions), each carrying who proposed and who approved it. The calendar is the seed's.
 */
export async function publishedVersionsOver(store: Store, seed: Parameters): Promise<Parameters> {
  const rows = await store.db.query<Row>(`SELECT ${COLUMNS} FROM parameter_versions WHERE status = 'published' ORDER BY effective_from`);
  return withPublishedVersions(
    seed,
    rows.map((r) => {
      const v = ofRow(r);
      return {
        business: v.business,
        version: { ...v.version, approval: { id: v.id, proposedBy: v.proposedBy, approvedBy: v.approvedBy!, approvedAt: v.approvedAt! } },
      };
    }),
  );
}

/**
 * The parameters decisions are made with today: the shipped files with the versions published in
 * the store merged over them, and the bureau calendar (the store's years over the shipped seed).
 */
export async function loadPublishedParameters(store: Store, seed: Parameters = defaultParameters): Promise<Parameters> {
  return publishedVersionsOver(store, { ...seed, calendar: await loadBureauCalendar(store) });
}

/** The effective dates of a business's published versions (seed and store). */
function publishedDates(params: Parameters, business: CaseType): Set<string> {
  const list = params[PARAMETERS_OF_TYPE[business]].versions as ReadonlyArray<{ effectiveFrom: string }>;
  return new Set(list.map((v) => v.effectiveFrom));
}

/**
 * Why a version of `business` effective `effectiveFrom` may not be published on `today` (Beijing
 * date), or null. Each version is in force from its date until the next one's, so versions never
 * leave a gap; two on the same date would overlap. A version dated between two published ones is
 * allowed: it is in force until the later one (e.g. a change before a reform already enacted).
 */
function whyNotPublishable(dates: ReadonlySet<string>, business: CaseType, effectiveFrom: string, today: string): string | null {
  if (effectiveFrom <= today)
    return `the effective date ${effectiveFrom} is not in the future (today is ${today}, Beijing): decisions already made would change under it`;
  if (dates.has(effectiveFrom))
    return `${business}@${effectiveFrom} is already published: two versions on one date would overlap (propose another date)`;
  return null;
}

function refuseUnlessManager(by: PolicyActor, what: string): void {
  if (!MAY_PUBLISH.has(by.role)) throw new ParameterVersionRefused(`${by.actor.name} is ${by.role}; only a manager ${what}`);
}

/**
 * Stores a proposal after checking it may be published: the proposer a manager, the effective
 * date after `today` (Beijing) and on no published version's date of its business. Throws
 * ParameterVersionRefused (and records the refusal) otherwise.
 */
export async function proposeParameterVersion(
  store: Store,
  by: PolicyActor,
  input: { proposal: ParameterProposal; file: string; sha256: string },
  today: string,
): Promise<StoredParameterVersion> {
  const { business, version } = input.proposal;
  const described = { business, effectiveFrom: version.effectiveFrom, documentNumber: version.citation.documentNumber };
  return refusalRecorded(store, by, { act: 'propose', file: input.file, sha256: input.sha256, ...described }, async () => {
    refuseUnlessManager(by, 'proposes parameter versions');
    const why = whyNotPublishable(publishedDates(await loadPublishedParameters(store), business), business, version.effectiveFrom, today);
    if (why) throw new ParameterVersionRefused(why);
    const [row] = await store.db.query<Row>(
      `INSERT INTO parameter_versions (business, effective_from, document_number, version, file, file_sha256, status, proposed_by)
       VALUES ($1, $2, $3, $4::text::jsonb, $5, $6, 'proposed', $7) RETURNING ${COLUMNS}`,
      [business, version.effectiveFrom, version.citation.documentNumber, JSON.stringify(version), input.file, input.sha256, by.actor.name],
    );
    const stored = ofRow(row!);
    await record(store, by, 'policy-proposed', {
      inputs: { file: input.file, sha256: input.sha256, via: by.via },
      outcome: { id: stored.id, ...described, version: stored.version },
      file: { name: input.file, sha256: input.sha256 },
    });
    return stored;
  });
}

/**
 * Publishes a proposed version: the approver a manager other than the proposer, the version still
 * proposed, its effective date still after `today` (Beijing) and on no published version's date.
 * Checked and written under a table lock, so two approvals cannot both pass. Throws
 * ParameterVersionRefused (and records the refusal) otherwise.
 */
export async function approveParameterVersion(store: Store, by: PolicyActor, id: number, today: string): Promise<StoredParameterVersion> {
  const found = await getParameterVersion(store, id);
  const described = found
    ? { id, business: found.business, effectiveFrom: found.effectiveFrom, documentNumber: found.documentNumber, sha256: found.fileSha256 }
    : { id };
  return refusalRecorded(store, by, { act: 'approve', ...described }, async () => {
    if (!found) throw new ParameterVersionRefused(`there is no proposed parameter version ${id}`);
    refuseUnlessManager(by, 'approves parameter versions');
    const params = await loadPublishedParameters(store);
    const approved = await store.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE parameter_versions IN SHARE ROW EXCLUSIVE MODE');
      const [row] = await tx.query<Row>(`SELECT ${COLUMNS} FROM parameter_versions WHERE id = $1`, [id]);
      const current = ofRow(row!);
      if (current.status === 'published')
        throw new ParameterVersionRefused(`version ${id} is already published (approved by ${current.approvedBy})`);
      if (current.proposedBy === by.actor.name)
        throw new ParameterVersionRefused(`${by.actor.name} proposed version ${id}: a second manager approves it (four eyes)`);
      // Versions published since `params` was read are in the table: count them too.
      const since = await tx.query<{ effective_from: string }>(
        `SELECT effective_from FROM parameter_versions WHERE status = 'published' AND business = $1`,
        [current.business],
      );
      const dates = publishedDates(params, current.business);
      for (const row of since) dates.add(String(row.effective_from));
      const why = whyNotPublishable(dates, current.business, current.effectiveFrom, today);
      if (why) throw new ParameterVersionRefused(why);
      const [updated] = await tx.query<Row>(
        `UPDATE parameter_versions SET status = 'published', approved_by = $2, approved_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, by.actor.name],
      );
      return ofRow(updated!);
    });
    await record(store, by, 'policy-approved', {
      inputs: { id, via: by.via },
      outcome: {
        id,
        business: approved.business,
        effectiveFrom: approved.effectiveFrom,
        documentNumber: approved.documentNumber,
        file: approved.file,
        sha256: approved.fileSha256,
        proposedBy: approved.proposedBy,
        approvedBy: approved.approvedBy,
        policyVersion: `${approved.business}@${approved.effectiveFrom}`,
      },
      file: { name: approved.file, sha256: approved.fileSha256 },
    });
    return approved;
  });
}

/** Runs an act; a refusal is written to the `_admin` trail with what was asked and why, then rethrown. */
async function refusalRecorded<T>(store: Store, by: PolicyActor, asked: Record<string, unknown>, act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (err) {
    if (err instanceof ParameterVersionRefused)
      await record(store, by, 'policy-refused', { inputs: { ...asked, via: by.via }, outcome: { reason: err.message } });
    throw err;
  }
}

async function record(
  store: Store,
  by: PolicyActor,
  step: 'policy-proposed' | 'policy-approved' | 'policy-refused',
  event: { inputs: Record<string, unknown>; outcome: Record<string, unknown>; file?: { name: string; sha256: string } },
): Promise<void> {
  await recordAdminAct(store, {
    area: 'policy-admin',
    via: by.via,
    step,
    actor: by.actor,
    inputs: event.inputs,
    outcome: event.outcome,
    evidence: event.file ? [{ kind: 'parameter-file', ref: event.file.name, sha256: event.file.sha256 }] : [],
  });
}

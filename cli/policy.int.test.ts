import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { decideAndRecord, rulebookActor } from '../activities/decision';
import { compareRuleSet, replayCase } from '../audit/replay';
import { pinnedParameters, recordedOf, redecide } from '../audit/redecide';
import { ruleSetVersionOf } from '../audit/ruleSetVersion';
import { citationsOf } from '../notices/activities';
import { decide, parseCaseFile } from '../rules';
import { exampleInput } from '../rules/testkit/examples';
import { reimbursementProposal, shiftedYears, transferProposal } from '../rules/testkit/proposals';
import { ADMIN_TRAIL_ID, createUser, listEvents, loadPublishedParameters, openStore, type Store } from '../store';
import { UsageError } from './args';
import { runPolicyCommand } from './policy';

const PASSWORD = 'correct horse battery';
/** 2026-12-01 10:00 in Beijing. */
const NOW = new Date('2026-12-01T02:00:00Z');

describe('policy propose, approve and list, against the store', () => {
  let store: Store;
  let dir: string;
  const file = (name: string, data: unknown) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
    return full;
  };
  /** Runs the command as `--as` says, with `now` as the clock, collecting stdout and stderr. */
  const run = async (args: string[], now = NOW) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPolicyCommand(
      args,
      store,
      { user: undefined, password: PASSWORD },
      (l) => out.push(l),
      (l) => err.push(l),
      () => now,
    );
    return { code, out, err: err.join('\n') };
  };
  const idOf = (r: { out: string[] }): string => String((JSON.parse(r.out[0]!) as { id: number }).id);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-policy-'));
    store = await openStore({ dataDir: path.join(dir, 'store') });
    await createUser(store, { username: 'li', displayName: '李科长', role: 'manager', password: PASSWORD });
    await createUser(store, { username: 'wang', displayName: '王处长', role: 'manager', password: PASSWORD });
    await createUser(store, { username: 'clerk.a', displayName: '王经办', role: 'clerk', password: PASSWORD });
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('proposes a version, names what it changes and the simulation to run; a second manager publishes it', async () => {
    const draft = file('rb-2027.json', reimbursementProposal('2027-01-01'));
    const proposed = await run(['propose', draft, '--as', 'li']);
    expect(proposed.code).toBe(0);
    expect(JSON.parse(proposed.out[0]!)).toMatchObject({
      business: 'reimbursement',
      effectiveFrom: '2027-01-01',
      documentNumber: '示例医保发〔2026〕1号',
      status: 'proposed',
      proposedBy: 'li',
      file: 'rb-2027.json',
    });
    expect((JSON.parse(proposed.out[0]!) as { proposedAt: string }).proposedAt).toMatch(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    expect(proposed.err).toContain('changes from reimbursement@2024-09-01: deductible.2 500.00 → 400.00');
    expect(proposed.err).toContain(`policy simulate --draft ${draft}`);
    expect(proposed.err).toContain('模拟（已决定的案件，视同该版本现行）');
    expect(proposed.err).toMatch(/模拟案件数：\d+/);

    const sameperson = await run(['approve', idOf(proposed), '--as', 'li']);
    expect(sameperson.code).toBe(1);
    expect(sameperson.err).toMatch(/policy approve refused: li proposed version \d+: a second manager approves it/);
    const clerk = await run(['approve', idOf(proposed), '--as', 'clerk.a']);
    expect(clerk).toMatchObject({ code: 1, err: expect.stringMatching(/clerk\.a is clerk; only a manager approves/) });

    const approved = await run(['approve', idOf(proposed), '--as', 'wang']);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.out[0]!)).toMatchObject({ status: 'published', proposedBy: 'li', approvedBy: 'wang' });
    expect(approved.err).toMatch(
      /reimbursement@2027-01-01 \(示例医保发〔2026〕1号\) published: proposed by li, approved by wang at 2026-12-0\d/,
    );
    const twice = await run(['approve', idOf(proposed), '--as', 'li']);
    expect(twice).toMatchObject({ code: 1, err: expect.stringMatching(/already published/) });

    const listed = await run(['list', '--business', 'reimbursement']);
    expect(listed.out).toHaveLength(3);
    expect(listed.out[0]).toMatch(/reimbursement@2023-01-01 {2}随程序提供 {2}POLICY\.md §3/);
    expect(listed.out[2]).toMatch(
      new RegExp(
        `^ +${idOf(proposed)}  reimbursement@2027-01-01  已发布  示例医保发〔2026〕1号  提出 li 20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  批准 wang `,
      ),
    );
    const json = JSON.parse((await run(['list', '--json'])).out[0]!) as { business: string; status: string }[];
    expect(json.filter((r) => r.status === 'published').map((r) => r.business)).toEqual(['reimbursement']);
  });

  it('decides by the published version from its effective date on, and replay finds the version that decided', async () => {
    const params = await loadPublishedParameters(store);
    const decideAs = (caseFile: unknown) => {
      const parsed = parseCaseFile(caseFile, params);
      if (!parsed.ok) throw new Error(parsed.error);
      return { caseFile: parsed.caseFile, decision: decide(parsed.caseFile, params) };
    };
    // The worked example two years on: admitted 2027-06-06, after the version's date.
    const after = decideAs(shiftedYears(exampleInput('RB-2026-0019'), 2));
    expect(after.decision).toMatchObject({ policyVersion: 'reimbursement@2027-01-01', details: { deductible: '400.00' } });
    // One year on (2026-06-06): the shipped version still decides it.
    expect(decideAs(shiftedYears(exampleInput('RB-2026-0019'), 1)).decision.policyVersion).toBe('reimbursement@2024-09-01');

    // As decideAndRecord records it: the full rule-set version, digest of the published version included.
    const recorded = ruleSetVersionOf(after.decision.policyVersion, params, 'test-build')!;
    expect(recorded).toMatch(/^reimbursement@2027-01-01\+sha256:[0-9a-f]{64}\/build:test-build$/);
    // Replay reads today's parameters the same way and finds the version, with the same data.
    const today = await loadPublishedParameters(store);
    expect(compareRuleSet(recorded, today)).toMatchObject({ policyVersion: 'reimbursement@2027-01-01', sameFiles: true });
    const pinned = pinnedParameters('reimbursement@2027-01-01', today);
    if ('error' in pinned) throw new Error(pinned.error);
    const outcome = { ...after.decision };
    const again = redecide(after.caseFile, recordedOf(outcome, after.decision.policyVersion), pinned);
    expect(again).toMatchObject({ ok: true, match: true });
    // The notice cites the 文号 and article of that version.
    expect(citationsOf(today, { policyVersion: recorded, applied: [{ rule: 'RB-03', result: 'pass' }], failed: [] })).toEqual({
      'RB-03': '示例医保发〔2026〕1号 第03条',
    });
  });

  it('records a decision under the published version as decideAndRecord does, and audit replay re-decides it identically', async () => {
    const caseFile = { ...shiftedYears(exampleInput('RB-2026-0019'), 2), caseId: 'RB-2028-0001' };
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'case-RB-2028-0001', runId: 'run-1' } });
    const decided = await env.run(() =>
      decideAndRecord(store, {
        caseRow: { caseId: 'RB-2028-0001', type: 'reimbursement', sheet: '零星报销', rowNumber: 2, row: {} },
        caseFile,
        step: 'decided',
        actor: rulebookActor,
        at: '2028-01-06T02:00:00.000Z',
      }),
    );
    expect(decided).toMatchObject({ ok: true, decided: { result: { policyVersion: 'reimbursement@2027-01-01' } } });
    const [event] = await listEvents(store, 'RB-2028-0001');
    expect(event!.ruleSetVersion).toMatch(/^reimbursement@2027-01-01\+sha256:[0-9a-f]{64}\//);
    const replay = await replayCase(store, 'RB-2028-0001', {
      dataConverter: {},
      parameters: await loadPublishedParameters(store),
      today: '2028-01-06',
    });
    expect(replay.history.status).toBe('missing');
    expect(replay.decisions).toHaveLength(1);
    expect(replay.decisions[0]).toMatchObject({ match: true, ruleSet: { policyVersion: 'reimbursement@2027-01-01', sameFiles: true } });
    expect(replay.today).toMatchObject({ parameterVersion: 'reimbursement@2027-01-01', differsFrom: [] });
  });

  it('refuses a past date, an overlapping one, a non-manager, and a malformed file naming the field; nothing is stored', async () => {
    const before = (await run(['list', '--json'])).out[0];
    const past = await run(['propose', file('past.json', transferProposal('2026-12-01')), '--as', 'li']);
    expect(past).toMatchObject({
      code: 1,
      err: expect.stringMatching(/policy propose refused: the effective date 2026-12-01 is not in the future/),
    });
    const overlap = await run(['propose', file('overlap.json', reimbursementProposal('2027-01-01')), '--as', 'li']);
    expect(overlap).toMatchObject({
      code: 1,
      err: expect.stringMatching(/reimbursement@2027-01-01 is already published: two versions on one date would overlap/),
    });
    const clerk = await run(['propose', file('clerk.json', transferProposal('2027-03-01')), '--as', 'clerk.a']);
    expect(clerk).toMatchObject({ code: 1, err: expect.stringMatching(/clerk\.a is clerk; only a manager proposes/) });
    const broken = transferProposal('2027-03-01');
    broken.version.waitingMonths = -1;
    delete broken.version.citation.articles['TR-05'];
    const malformed = await run(['propose', file('broken.json', broken), '--as', 'li']);
    expect(malformed.code).toBe(1);
    expect(malformed.err).toContain('policy propose refused: broken.json: ');
    expect(malformed.err).toContain('version.citation.articles.TR-05: the article (条款) rule TR-05 applies is missing');
    expect(malformed.err).toContain('version.waitingMonths: must not be negative');
    const notJson = await run(['propose', file('not.json', '{"business": "transfer",'), '--as', 'li']);
    expect(notJson).toMatchObject({ code: 1, err: expect.stringMatching(/not\.json: \(file\): not valid JSON/) });
    expect((await run(['list', '--json'])).out[0]).toBe(before);

    // A version approved after its effective date has come is refused.
    const soon = await run(['propose', file('soon.json', transferProposal('2026-12-10')), '--as', 'li']);
    expect(soon.code).toBe(0);
    const late = await run(['approve', idOf(soon), '--as', 'wang'], new Date('2026-12-10T01:00:00Z'));
    expect(late).toMatchObject({
      code: 1,
      err: expect.stringMatching(/the effective date 2026-12-10 is not in the future \(today is 2026-12-10/),
    });
  });

  it('writes every act and refusal to the _admin trail with who and the file sha256', async () => {
    const events = await listEvents(store, ADMIN_TRAIL_ID);
    const policy = events.filter((e) => e.step.startsWith('policy-')).map((e) => [e.step, e.actor.name]);
    expect(policy.slice(0, 5)).toEqual([
      ['policy-proposed', 'li'],
      ['policy-refused', 'li'],
      ['policy-refused', 'clerk.a'],
      ['policy-approved', 'wang'],
      ['policy-refused', 'li'],
    ]);
    const proposed = events.find((e) => e.step === 'policy-proposed')!;
    const sha256 = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(dir, 'rb-2027.json')))
      .digest('hex');
    expect(proposed.inputs).toMatchObject({ file: 'rb-2027.json', sha256, via: 'cli' });
    expect(proposed.outcome).toMatchObject({
      business: 'reimbursement',
      effectiveFrom: '2027-01-01',
      version: { deductible: { 2: '400.00' } },
    });
    // A malformed file is refused before anyone is asked for a password: no event for it.
    expect(events.some((e) => JSON.stringify(e.inputs).includes('broken.json'))).toBe(false);
  });

  it('parses its arguments strictly', async () => {
    await expect(run(['approve', 'abc', '--as', 'wang'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['propose'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['list', '--business', 'pension'])).rejects.toThrow(/--business takes lump-sum, transfer, reimbursement/);
    await expect(run(['publish', '1'])).rejects.toThrow(/unknown policy command: publish/);
    await expect(run(['propose', file('x.json', transferProposal('2027-09-01'))])).rejects.toThrow(/--as USER/);
  });
});

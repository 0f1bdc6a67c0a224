import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewSla } from '../activities/reviewSla';
import { decide, defaultParameters, parseCaseFile, type TransferDecision } from '../rules';
import { exampleInput } from '../rules/testkit/examples';
import { ADMIN_TRAIL_ID, createUser, listEvents, loadBureauCalendar, openStore, verifyChain, type Store } from '../store';
import { UsageError } from './args';
import { runCalendarCommand } from './calendar';

const PASSWORD = 'correct horse battery';

/** The State Council's 2027 arrangement, abridged: 元旦 and 春节 with its make-up Saturday. */
const YEAR_2027 = {
  year: 2027,
  source: '国务院办公厅关于2027年部分节假日安排的通知',
  holidays: [
    '2027-01-01',
    '2027-01-02',
    '2027-01-03',
    '2027-02-06',
    '2027-02-07',
    '2027-02-08',
    '2027-02-09',
    '2027-02-10',
    '2027-02-11',
    '2027-02-12',
  ],
  workingDays: ['2027-02-13'],
};

describe('calendar import and show, against the store', () => {
  let store: Store;
  let dir: string;
  const file = (name: string, text: string) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, text);
    return full;
  };
  /** Runs the command as `who` with `password`, collecting stdout and stderr. */
  const run = async (args: string[], password = PASSWORD) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCalendarCommand(
      args,
      store,
      { user: undefined, password },
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out, err: err.join('\n') };
  };
  const transferReceived = async (receivedDate: string): Promise<TransferDecision> => {
    const params = { ...defaultParameters, calendar: await loadBureauCalendar(store) };
    const parsed = parseCaseFile({ ...exampleInput('TR-2024-0010'), receivedDate }, params);
    if (!parsed.ok) throw new Error(parsed.error);
    return decide(parsed.caseFile, params) as TransferDecision;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-calendar-'));
    store = await openStore({ dataDir: path.join(dir, 'store') });
    await createUser(store, { username: 'boss', displayName: '赵经理', role: 'manager', password: PASSWORD });
    await createUser(store, { username: 'clerk.a', displayName: '王经办', role: 'clerk', password: PASSWORD });
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts from the shipped calendar: 2027 is missing, and what depends on it says so', async () => {
    expect((await loadBureauCalendar(store)).years).toEqual([2024, 2025, 2026]);
    const shown = await run(['show', '2027', '--as', 'clerk.a']);
    expect(shown.code).toBe(1);
    expect(shown.err).toMatch(/the bureau calendar has no 2027/);
    expect((await transferReceived('2027-01-04')).reasons).toEqual(['TR-07']);
    // A review opened on Thursday 2026-12-31 (Beijing): Monday to Friday only, 元旦 not known.
    const sla = reviewSla('2026-12-31T02:00:00Z', await loadBureauCalendar(store));
    expect(sla).toMatchObject({ weekdaysOnlyFor: 2027, deadlineAt: '2027-01-07T09:30:00.000Z' });
  });

  it('refuses a bad file naming the line, an unproven person, and a clerk', async () => {
    const bad = await run(['import', file('bad.csv', 'date,kind\n2027-01-01,holiday\n2027-02-30,holiday\n'), '--as', 'boss']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('calendar import refused: line 3: expected a real date YYYY-MM-DD, got "2027-02-30"');
    const good = file('2027.json', JSON.stringify(YEAR_2027));
    await expect(run(['import', good])).rejects.toThrow(UsageError);
    await expect(run(['import', good, '--as', 'boss'], 'wrong password!')).rejects.toThrow(/wrong password/);
    const clerk = await run(['import', good, '--as', 'clerk.a']);
    expect(clerk.code).toBe(1);
    expect(clerk.err).toMatch(/only an admin or a manager/);
    expect((await loadBureauCalendar(store)).years).not.toContain(2027);
  });

  it('imports 2027: decisions and deadlines in 2027 then count its holidays', async () => {
    const imported = await run(['import', file('2027.json', JSON.stringify(YEAR_2027)), '--as', 'boss']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out[0]!)).toMatchObject({
      year: 2027,
      origin: 'imported',
      importedBy: 'boss',
      importedAt: expect.stringMatching(/\+08:00$/),
    });
    expect((await loadBureauCalendar(store)).years).toEqual([2024, 2025, 2026, 2027]);
    const decided = await transferReceived('2027-01-04');
    expect(decided.reasons).toEqual([]);
    expect(decided.details.dueDate).toBe('2027-01-11');
    const sla = reviewSla('2026-12-31T02:00:00Z', await loadBureauCalendar(store));
    // Thu 12-31, then 01-04 … 01-08: due Friday 2027-01-08 at 17:30 Beijing.
    expect(sla).toMatchObject({ weekdaysOnlyFor: null, deadlineAt: '2027-01-08T09:30:00.000Z' });

    const shown = await run(['show', '2027', '--as', 'clerk.a']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out[0]!)).toMatchObject({ year: 2027, holidays: YEAR_2027.holidays, workingDays: ['2027-02-13'] });
    expect(shown.err).toContain('2027-02-13 周六 调休上班');
  });

  it('a year already known needs --replace, shipped or imported, and the replacement keeps what it replaced', async () => {
    const again = await run(['import', file('2027.csv', 'date,kind\n2027-01-01,holiday\n'), '--as', 'boss']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already has 2027 \(imported by boss\): import it again with --replace/);
    const shipped = await run(['import', file('2026.csv', 'date,kind\n2026-01-01,holiday\n'), '--as', 'boss']);
    expect(shipped.err).toMatch(/already has 2026 \(shipped\)/);

    const replaced = await run(['import', file('2027.csv', 'date,kind\n2027-02-08,holiday\n'), '--replace', '--as', 'boss']);
    expect(replaced.code).toBe(0);
    expect((await transferReceived('2026-12-28')).details.dueDate).toBe('2027-01-04'); // 元旦 is a working Friday now

    const trail = await listEvents(store, ADMIN_TRAIL_ID);
    expect(trail.map((e) => [e.step, e.actor.name])).toEqual([
      ['calendar-shown', 'clerk.a'],
      ['calendar-imported', 'boss'],
      ['calendar-shown', 'clerk.a'],
      ['calendar-replaced', 'boss'],
    ]);
    expect(trail.at(-1)!.outcome).toMatchObject({
      year: 2027,
      holidays: ['2027-02-08'],
      replaced: { origin: 'imported', holidays: YEAR_2027.holidays },
    });
    expect(trail[1]!.inputs).toMatchObject({ year: 2027, file: '2027.json', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), via: 'cli' });
    expect((await verifyChain(store, ADMIN_TRAIL_ID)).ok).toBe(true);
  });
});

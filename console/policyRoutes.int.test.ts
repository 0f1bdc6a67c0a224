import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDecision } from '../bench/decisionRows';
import { loadConfig } from '../config/env';
import { generateCases } from '../fixtures/generate';
import { createLogger } from '../logging/logger';
import { decide, defaultParameters } from '../rules';
import type { CaseFile, LumpSumDecision } from '../rules/schemas';
import { ADMIN_TRAIL_ID, createUser, listEvents, openStore, type Role, type Store } from '../store';
import { loadBureauCalendar } from '../store/calendarYears';
import { HttpUser } from '../test/consoleHttpUser';
import { startConsole, type RunningConsole } from './server';
import lumpSumData from '../rules/params/lump-sum.json' with { type: 'json' };

const PASSWORD = 'policy page password 7';

/** The draft the manager pastes: lump-sum required months raised to 50 years. */
function raisedDraft(): string {
  const data = structuredClone(lumpSumData);
  for (const v of data.versions) v.requiredMonths = { men: 600, women: 600 };
  return JSON.stringify(data, null, 2);
}

/** Rejections whose only reject rule is LS-08 (no shortfall) and that fall short of 600 months: the draft flips them. */
function flipsUnderDraft(cases: { caseFile: CaseFile }[]): number {
  return cases.filter(({ caseFile }) => {
    const d = decide(caseFile, defaultParameters) as LumpSumDecision;
    const rejectedBy = d.checks.filter((c) => c.result === 'fail' && c.severity === 'reject').map((c) => c.rule);
    return rejectedBy.join() === 'LS-08' && d.details.cumulativeMonths < 600;
  }).length;
}

describe('console /policy/simulate over HTTP', () => {
  let dataDir: string;
  let store: Store;
  let temporal: Client;
  let console_: RunningConsole;
  const idNumbers: string[] = [];
  let expectedFlips = 0;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-policy-console-'));
    store = await openStore({ dataDir: path.join(dataDir, 'store') });
    const params = { ...defaultParameters, calendar: await loadBureauCalendar(store) };
    // The first seed whose cases include rejections for having no shortfall (LS-08 alone) that the draft turns.
    let cases = generateCases({ seed: 77, count: 24, types: ['lump-sum'] });
    for (let seed = 78; flipsUnderDraft(cases) === 0; seed++) cases = generateCases({ seed, count: 24, types: ['lump-sum'] });
    expectedFlips = flipsUnderDraft(cases);
    for (const g of cases) {
      await recordDecision(store, { caseFile: g.caseFile, at: '2026-05-20T03:00:00Z' }, params);
      idNumbers.push(g.caseFile.person.idNumber);
    }
    const users: [string, Role][] = [
      ['manager1', 'manager'],
      ['auditor1', 'auditor'],
      ['clerk1', 'clerk'],
    ];
    for (const [username, role] of users) await createUser(store, { username, displayName: username, role, password: PASSWORD });
    temporal = new Client();
    const logger = createLogger('policy-console-test', { terminal: false, logDir: path.join(dataDir, 'logs') });
    console_ = await startConsole({ store, temporal, config: loadConfig({ ZHISHEN_DATA_DIR: dataDir }), logger, port: 0 });
  }, 120_000);

  afterAll(async () => {
    await console_?.close();
    await temporal?.connection.close().catch(() => {});
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a manager pastes a draft and gets the summary, the chart, the affected cases (ID numbers masked) and the workbook', async () => {
    const manager = new HttpUser(console_.url, PASSWORD);
    await manager.login('manager1');
    const formPage = await manager.get('/policy/simulate');
    expect(formPage.status).toBe(200);
    expect(formPage.body).toContain('参数草案影响模拟');
    const res = await manager.post('/policy/simulate', {
      _csrf: manager.csrf!,
      draft: raisedDraft(),
      from: '2026-05-01',
      to: '2026-05-31',
      type: '',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/模拟案件数<\/th>\s*<td>24</);
    expect(res.body).toMatch(new RegExp(`结论改变（件）</th>\\s*<td>${expectedFlips}<`));
    expect(res.body).toMatch(/<img\s+id="chart"[^>]*src="data:image\/png;base64,iVBOR/);
    expect(res.body).toContain('LS-08');
    for (const id of idNumbers) expect(res.body).not.toContain(id);
    const link = /id="download" href="([^"]+)"/.exec(res.body)![1]!;
    const download = await fetch(console_.url + link, { headers: { cookie: manager.cookie } });
    expect(download.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await download.arrayBuffer()) as never);
    expect(wb.getWorksheet('受影响案件')!.rowCount).toBeGreaterThan(1);

    // The run is the manager's: another person's session does not get its files.
    const auditor = new HttpUser(console_.url, PASSWORD);
    await auditor.login('auditor1');
    expect((await auditor.get(link)).status).toBe(404);
    const trail = await listEvents(store, ADMIN_TRAIL_ID);
    expect(trail.filter((e) => e.step === 'policy-simulated').map((e) => e.actor)).toContainEqual({ kind: 'user', name: 'manager1' });
  });

  it('an auditor uploads the draft as a file; a malformed one is refused naming the field', async () => {
    const auditor = new HttpUser(console_.url, PASSWORD);
    await auditor.login('auditor1');
    await auditor.get('/policy/simulate');
    const upload = async (text: string) => {
      const body = new FormData();
      body.set('_csrf', auditor.csrf!);
      body.set('draft', '');
      body.set('draftFile', new Blob([text], { type: 'application/json' }), 'lump-sum.json');
      const res = await fetch(console_.url + '/policy/simulate', { method: 'POST', body, headers: { cookie: auditor.cookie } });
      return { status: res.status, body: await res.text() };
    };
    const ok = await upload(raisedDraft());
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/模拟案件数<\/th>\s*<td>24</);
    const bad = JSON.parse(raisedDraft()) as { versions: { requiredMonths: { men: unknown } }[] };
    bad.versions[0]!.requiredMonths.men = 'many';
    const refused = await upload(JSON.stringify(bad));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('lump-sum.json: versions.0.requiredMonths.men');
  });

  it('a clerk is refused, and a POST without the CSRF token is refused', async () => {
    const clerk = new HttpUser(console_.url, PASSWORD);
    await clerk.login('clerk1');
    expect((await clerk.get('/policy/simulate')).status).toBe(403);
    const manager = new HttpUser(console_.url, PASSWORD);
    await manager.login('manager1');
    expect((await manager.post('/policy/simulate', { draft: raisedDraft() })).status).toBe(403);
  });
});

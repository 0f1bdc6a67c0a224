/**
 * The auditors' pages over HTTP on the embedded store: roles, CSRF, what the pages show and the
 * audit acts they record with the session's user. No replay here (it needs Temporal: the browser
 * flow in auditor.e2e.test.ts does it), so the Temporal client is never connected.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawSample } from '../audit/sampling';
import { loadConfig } from '../config/env';
import { startConsole, type RunningConsole } from '../console/server';
import { createLogger } from '../logging/logger';
import { createUser, listEvents, openStore, verifyChain, type Role, type Store } from '../store';
import { automatedApprovals, SAMPLES_TRAIL_ID } from '../store/auditSamples';
import { writeAuditedCases } from '../store/testing/auditedCases';
import { HttpUser as BaseHttpUser } from './consoleHttpUser';

const PASSWORD = 'audit password 42';
const FULL_ID = '110101199003074578';

class HttpUser extends BaseHttpUser {
  constructor(readonly root: string) {
    super(root, PASSWORD);
  }
  async download(p: string) {
    const res = await fetch(new URL(p, this.root), { headers: { cookie: this.cookie } });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      disposition: res.headers.get('content-disposition'),
      bytes: Buffer.from(await res.arrayBuffer()),
    };
  }
  async postForBytes(p: string, form: Record<string, string>) {
    const res = await fetch(new URL(p, this.root), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  }
}

async function sheetRows(bytes: Buffer, sheet: number): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as never);
  const rows: unknown[][] = [];
  wb.worksheets[sheet]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('auditors’ pages over HTTP', () => {
  let dataDir: string;
  let store: Store;
  let temporal: Client;
  let console_: RunningConsole;
  const user = (username: string) => {
    const u = new HttpUser(console_.url);
    return u.login(username).then(() => u);
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-audit-console-'));
    store = await openStore({ dataDir });
    await writeAuditedCases(store);
    const users: [string, Role][] = [
      ['audit', 'auditor'],
      ['boss', 'manager'],
      ['clerk.x', 'clerk'],
      ['admin', 'admin'],
    ];
    for (const [username, role] of users) await createUser(store, { username, displayName: username, role, password: PASSWORD });
    temporal = new Client();
    const logger = createLogger('audit-console-test', { terminal: false, logDir: path.join(dataDir, 'logs') });
    console_ = await startConsole({ store, temporal, config: loadConfig({ ZHISHEN_DATA_DIR: dataDir }), logger, port: 0 });
  }, 120_000);

  afterAll(async () => {
    await console_?.close();
    await temporal?.connection.close().catch(() => {});
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets auditors and managers in, refuses clerks and administrators, redirects the anonymous', async () => {
    const anonymous = new HttpUser(console_.url);
    expect((await anonymous.get('/audit')).headers.get('location')).toBe('/login?next=%2Faudit');
    expect((await anonymous.post('/audit/cases/OVR-1/verify', { _csrf: 'x' })).status).toBe(401);
    const clerk = await user('clerk.x');
    for (const p of ['/audit', '/audit/cases/OVR-1', '/audit/samples', '/audit/search.xlsx?act=override'])
      expect((await clerk.get(p)).status).toBe(403);
    expect((await clerk.post('/audit/cases/OVR-1/verify', { _csrf: clerk.csrf! })).status).toBe(403);
    expect(await clerk.get('/').then((r) => r.body)).not.toContain('href="/audit"');
    const admin = await user('admin');
    expect((await admin.get('/audit')).status).toBe(403);
    const auditor = await user('audit');
    const home = await auditor.get('/audit');
    expect(home.status).toBe(200);
    expect(home.body).toContain('href="/audit"');
    const manager = await user('boss');
    expect((await manager.get('/audit/cases/OVR-1')).status).toBe(200);
    // A manager reads, never acts: no buttons, and the act is refused with nothing written.
    expect((await manager.get('/audit/cases/OVR-1')).body).not.toContain('id="audit-verify"');
    const before = (await listEvents(store, 'OVR-1')).length;
    expect((await manager.post('/audit/cases/OVR-1/verify', { _csrf: manager.csrf! })).status).toBe(403);
    expect(
      (await manager.post('/audit/samples', { _csrf: manager.csrf!, business: 'lump-sum', month: '2026-11', rate: '5', minSize: '3' }))
        .status,
    ).toBe(403);
    expect((await listEvents(store, 'OVR-1')).length).toBe(before);
  });

  it('searches overrides of last month, pages them, and exports the search as a workbook', async () => {
    const auditor = await user('audit');
    const page = await auditor.get('/audit?from=2026-11-01&to=2026-11-30&act=override');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/共 <strong>1<\/strong> 件/);
    expect(page.body).toContain('data-case="OVR-1"');
    expect(page.body).not.toContain('data-case="AMT-1"');
    const four = await auditor.get('/audit?act=four-eyes&actor=chief');
    expect(four.body).toContain('data-case="OVR-1"');
    expect(four.body).toContain('data-case="AMT-1"');
    const bad = await auditor.get('/audit?from=2026-02-30&act=override');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('起始日期');
    const xlsx = await auditor.download('/audit/search.xlsx?from=2026-11-01&to=2026-11-30&act=four-eyes');
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toContain('spreadsheetml');
    const rows = await sheetRows(xlsx.bytes, 0);
    expect(rows[0]).toContain('案件编号');
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['AMT-1', 'OVR-1']);
  });

  it('shows a trail with hashes, rule results and corrections, ID numbers masked', async () => {
    const auditor = await user('audit');
    const ovr = await auditor.get('/audit/cases/OVR-1');
    const events = await listEvents(store, 'OVR-1');
    for (const e of events) expect(ovr.body).toContain(e.hash);
    expect(ovr.body).toContain('2026-11-10 10:00:00');
    expect(ovr.body).toContain('RB-07 未通过');
    expect(ovr.body).not.toContain(FULL_ID);
    expect(ovr.body).toContain(FULL_ID.slice(0, 4));
    const cor = await auditor.get('/audit/cases/COR-1');
    expect(cor.body).toMatch(/<td class="before">2025-01-01<\/td>\s*<td class="after">2025-02-01<\/td>/);
    expect((await auditor.get('/audit/cases/NOPE-1')).status).toBe(404);
  });

  it('verifies and exports only with the session’s CSRF token, and records each act as the session’s user', async () => {
    const auditor = await user('audit');
    await auditor.get('/audit/cases/OVR-1');
    const before = (await listEvents(store, 'OVR-1')).length;
    expect((await auditor.post('/audit/cases/OVR-1/verify', {})).status).toBe(403);
    expect((await auditor.post('/audit/cases/OVR-1/verify', { _csrf: 'forged' })).status).toBe(403);
    expect((await listEvents(store, 'OVR-1')).length).toBe(before);
    // A name in the form is not who acts: the session is.
    const verified = await auditor.post('/audit/cases/OVR-1/verify', { _csrf: auditor.csrf!, username: 'boss', actor: 'boss' });
    expect(verified.status).toBe(200);
    expect(verified.body).toContain(`校验通过：${before} 条事件的哈希链完整`);
    const after = await listEvents(store, 'OVR-1');
    expect(after.at(-1)).toMatchObject({
      step: 'audit-verified',
      actor: { kind: 'user', name: 'audit' },
      outcome: { ok: true, events: before },
    });
    expect(verified.body).toContain('data-step="audit-verified"');

    const exported = await auditor.postForBytes('/audit/cases/OVR-1/export', { _csrf: auditor.csrf! });
    expect(exported.status).toBe(200);
    expect(exported.type).toBe('application/pdf');
    expect(exported.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const last = (await listEvents(store, 'OVR-1')).at(-1)!;
    expect(last).toMatchObject({ step: 'audit-exported', actor: { name: 'audit' } });
    expect(last.evidence[0]!.sha256).toBe(createHash('sha256').update(exported.bytes).digest('hex'));
    expect(await verifyChain(store, 'OVR-1')).toMatchObject({ ok: true });
  });

  it('draws a sample that can be drawn again from its record, takes verdicts once each, and reports them', async () => {
    const auditor = await user('audit');
    await auditor.get('/audit/samples');
    expect(
      (await auditor.post('/audit/samples', { _csrf: auditor.csrf!, business: 'lump-sum', month: '2026-11', rate: 'five', minSize: '3' }))
        .status,
    ).toBe(400);
    const drawn = await auditor.post('/audit/samples', {
      _csrf: auditor.csrf!,
      business: 'lump-sum',
      month: '2026-11',
      rate: '5',
      minSize: '4',
      seed: 'http-seed',
    });
    expect(drawn.status).toBe(303);
    const where = drawn.headers.get('location')!;
    expect(where).toMatch(/^\/audit\/samples\/\d+$/);
    const sampleId = Number(where.split('/').pop());
    const page = await auditor.get(where);
    const again = drawSample(await automatedApprovals(store, 'lump-sum', '2026-11'), { rateBp: 500, minSize: 4, seed: 'http-seed' });
    expect(again.drawn).toHaveLength(4);
    for (const id of again.drawn) expect(page.body).toContain(`data-case="${id}"`);
    expect(page.body).toContain(again.candidatesDigest);
    const [trailDraw] = (await listEvents(store, SAMPLES_TRAIL_ID)).filter((e) => (e.inputs as { sampleId: number }).sampleId === sampleId);
    expect(trailDraw).toMatchObject({ step: 'sample-drawn', actor: { name: 'audit' }, outcome: { caseIds: again.drawn } });

    const [a, b] = again.drawn as [string, string];
    expect((await auditor.post(`${where}/verdicts`, { caseId: a, verdict: 'agree' })).status).toBe(403);
    expect(
      (await auditor.post(`${where}/verdicts`, { _csrf: auditor.csrf!, caseId: b, verdict: 'disagree', rule: 'RB-07', note: '' })).status,
    ).toBe(400);
    expect((await auditor.post(`${where}/verdicts`, { _csrf: auditor.csrf!, caseId: a, verdict: 'agree' })).status).toBe(303);
    expect(
      (await auditor.post(`${where}/verdicts`, { _csrf: auditor.csrf!, caseId: b, verdict: 'disagree', rule: 'RB-07', note: '应退回补正' }))
        .status,
    ).toBe(303);
    expect(
      (await auditor.post(`${where}/verdicts`, { _csrf: auditor.csrf!, caseId: a, verdict: 'disagree', rule: 'RB-01', note: '改主意' }))
        .status,
    ).toBe(409);
    expect((await listEvents(store, b)).at(-1)).toMatchObject({
      step: 'sample-verdict',
      actor: { name: 'audit' },
      outcome: { verdict: 'disagree', rule: 'RB-07' },
    });
    const shown = await auditor.get(where);
    // 1 of 2: 50%, Wilson 9.45%–90.55%.
    expect(shown.body).toContain('50.00%');
    expect(shown.body).toContain('9.45%–90.55%');

    const xlsx = await auditor.download(`${where}/report.xlsx`);
    expect(xlsx.type).toContain('spreadsheetml');
    const summary = await sheetRows(xlsx.bytes, 0);
    expect(summary).toContainEqual(['随机种子', 'http-seed']);
    expect(summary).toContainEqual(['不同意率', '50.00%']);
    expect(summary).toContainEqual(['95% 置信区间下限（Wilson）', '9.45%']);
    const cases = await sheetRows(xlsx.bytes, 1);
    expect(cases.find((r) => r[1] === b)).toEqual(expect.arrayContaining(['不同意', 'RB-07', '应退回补正', 'audit']));
    const pdf = await auditor.download(`${where}/report.pdf`);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

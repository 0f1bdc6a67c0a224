import fs from 'node:fs';
import path from 'node:path';
import { systemChromiumPath } from '../config/defaults';
import { chromium } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultPayloadConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { runBatch } from '../cli/batch';
import { seedLegacy } from '../fixtures/legacy-system';
import { auditReplay } from '../cli/auditReplay';
import { archiveClosedCaseHistories, saveWorkflowHistory } from '../audit/history';
import { startConsole, type RunningConsole } from '../console/server';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { createLogger } from '../logging/logger';
import { decide } from '../rules';
import type { CaseFile } from '../rules/schemas';
import { loadPayloadKeyRing, PayloadKeysSpec, withNewActiveKey } from '../security/payloadKeys';
import { keyDir } from '../security/keyFiles';
import { createUser, type Role } from '../store';
import { EncryptionCodec, ENCRYPTED_ENCODING } from '../temporal/payloadCodec';
import { freePort, startDevServer } from '../temporal/devServer';
import { exited, startTestStack, type TestStack } from '../harness/stack';
import { waitUntilCasesComplete } from './caseWorkflows';

const PASSWORD = 'correct horse 42';
const USERS: { username: string; role: Role; displayName: string }[] = [
  { username: 'clerk.a', role: 'clerk', displayName: '张经办' },
  { username: 'boss', role: 'manager', displayName: '赵经理' },
  { username: 'audit', role: 'auditor', displayName: '钱审计' },
];
const HistoryProto = proto.temporal.api.history.v1.History;

/** Every file of Temporal's SQLite database (the db, its WAL and shared memory), as raw bytes. */
function temporalDbBytes(dir: string): Buffer {
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('temporal.db'));
  expect(files).toContain('temporal.db');
  return Buffer.concat(files.map((f) => fs.readFileSync(path.join(dir, f))));
}

/** Which of the given texts occur in the bytes as UTF-8. */
const foundIn = (bytes: Buffer, texts: string[]) => texts.filter((t) => bytes.includes(Buffer.from(t, 'utf8')));

/** Logs in to the console as a browser would and keeps the session cookie. */
async function logIn(base: string, username: string): Promise<string> {
  const form = await fetch(`${base}/login`);
  const cookie = form.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, username, password: PASSWORD, next: '/' }).toString(),
  });
  expect(res.status, `login of ${username}`).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/**
 * Personal data at rest in Temporal: a batch runs on the real stack, with cases going to a clerk;
 * Temporal's database and the archived histories hold no ID number and no name in clear, the
 * archive still replays, and the console's codec opens payloads for the Web UI only for the roles
 * that see full ID numbers.
 */
describe('personal data encrypted at rest in Temporal', () => {
  let stack: TestStack;
  let caseFiles: CaseFile[];
  let secrets: string[];
  let console_: RunningConsole;
  let uiOrigin: string;
  let sealedInput: Payload;
  let uiPort: number;

  beforeAll(async () => {
    stack = await startTestStack();
    caseFiles = generateCases({ seed: 61, count: 8, types: ['lump-sum', 'transfer'] }).map((g) => g.caseFile);
    expect(
      caseFiles.some((c) => decide(c).outcome === 'review'),
      'a case goes to a clerk',
    ).toBe(true);
    secrets = [...new Set(caseFiles.flatMap((c) => [c.person.idNumber, c.person.name]))];
    const files = caseFiles.map((c) => {
      const file = path.join(stack.dataDir, `${c.caseId}.json`);
      fs.writeFileSync(file, JSON.stringify(c));
      return file;
    });
    seedLegacy(stack.dataDir, files);
    const workbook = path.join(stack.dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, caseFiles);
    const worker = await stack.startWorker();
    const batch = await runBatch(stack.config, { workbook, wait: true });
    expect(batch.batchId).toBeTruthy();
    const closed = caseFiles.filter((c) => decide(c).outcome !== 'review');
    await waitUntilCasesComplete(
      stack.client,
      closed.map((c) => c.caseId),
      60_000,
    );
    const archived = await archiveClosedCaseHistories(stack.store, stack.client);
    expect(archived.saved.sort()).toEqual(closed.map((c) => c.caseId).sort());
    for (const c of caseFiles.filter((x) => decide(x).outcome === 'review')) {
      await saveWorkflowHistory(stack.store, stack.client, `case-${c.caseId}`, undefined, c.caseId);
    }
    // A case's input as Temporal holds it, for the codec endpoint below.
    const history = await stack.client.workflow.getHandle(`case-${caseFiles[0]!.caseId}`).fetchHistory();
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    sealedInput = started.input!.payloads![0]! as Payload;

    for (const u of USERS) await createUser(stack.store, { ...u, password: PASSWORD });
    // The Web UI the console's codec answers: the dev server's, started with one in a test below.
    uiPort = await freePort();
    const config = { ...stack.config, temporal: { ...stack.config.temporal, uiUrl: `http://localhost:${uiPort}` } };
    const logger = createLogger('codec-test', { terminal: false, logDir: path.join(stack.dataDir, 'logs') });
    console_ = await startConsole({ store: stack.store, temporal: stack.client, config, logger, port: 0 });
    uiOrigin = `http://localhost:${uiPort}`;
    worker.kill('SIGTERM');
    await exited(worker);
  }, 300_000);

  afterAll(async () => {
    await console_?.close();
    await stack?.stop();
  });

  it("keeps no ID number and no applicant name in clear in Temporal's database", async () => {
    // Stop the server so that everything it holds is in its files (WAL included).
    await stack.temporal.stop();
    const bytes = temporalDbBytes(path.join(stack.dataDir, 'temporal'));
    // The search is over the right data: the workflow ids are there, in clear.
    expect(
      foundIn(
        bytes,
        caseFiles.map((c) => `case-${c.caseId}`),
      ),
    ).toHaveLength(caseFiles.length);
    expect(bytes.includes(Buffer.from(ENCRYPTED_ENCODING))).toBe(true);
    expect(foundIn(bytes, secrets)).toEqual([]);
  });

  it("shows a case's input in Temporal's Web UI, opened by the console's codec with the clerk's console session", async () => {
    const consolePort = Number(new URL(console_.url).port);
    const endpoint = `http://localhost:${consolePort}/codec`;
    const withUi = await startDevServer({
      dataDir: path.join(stack.dataDir, 'temporal'),
      port: Number(stack.temporal.address.split(':').at(-1)),
      uiPort,
      namespace: 'default',
      uiCodecEndpoint: endpoint,
    });
    const browser = await chromium.launch({ executablePath: systemChromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
    try {
      expect(((await (await fetch(`${uiOrigin}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } }).Codec.Endpoint).toBe(
        endpoint,
      );
      const page = await browser.newPage();
      // The clerk logs in to the console on the UI's host name (localhost), so the cookie is same-site.
      await page.goto(`http://localhost:${consolePort}/login`);
      await page.fill('input[name=username]', 'clerk.a');
      await page.fill('input[name=password]', PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      // What the UI's codec settings save when "Include cross-origin credentials" is ticked for this endpoint.
      await page.goto(uiOrigin);
      await page.evaluate((e) => {
        localStorage.setItem('endpoint', JSON.stringify(e));
        localStorage.setItem('includeCredentials', 'true');
        localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
      }, endpoint);
      const caseFile = caseFiles[0]!;
      const decoded = page.waitForResponse((r) => r.url().startsWith(`${endpoint}/decode`) && r.request().method() === 'POST', {
        timeout: 90_000,
      });
      await page.goto(`${uiOrigin}/namespaces/default/workflows/case-${caseFile.caseId}`);
      const res = await decoded;
      expect(res.status()).toBe(200);
      expect(await res.request().headerValue('cookie')).toMatch(/zhishen_session=/);
      expect(res.headers()['access-control-allow-origin']).toBe(uiOrigin);
      await expect.poll(() => page.evaluate(() => document.body.innerText), { timeout: 90_000 }).toContain(caseFile.person.idNumber);
    } finally {
      await browser.close();
      await withUi.stop();
    }
  });

  it('archives the histories sealed: no ID number or name in clear, yet the key ring opens them', async () => {
    const rows = await stack.store.db.query<{ workflow_id: string; history: string }>(
      'SELECT workflow_id, history FROM workflow_histories',
    );
    expect(rows.length).toBe(caseFiles.length);
    const codec = new EncryptionCodec(loadPayloadKeyRing(stack.config, stack.env));
    const converter = new DefaultPayloadConverter();
    for (const row of rows) {
      const raw = Buffer.from(row.history, 'base64');
      expect(foundIn(raw, secrets), row.workflow_id).toEqual([]);
      expect(foundIn(Buffer.from(row.history), secrets), row.workflow_id).toEqual([]);
      // The person is in there, sealed: opening the case's input shows them.
      const caseFile = caseFiles.find((c) => `case-${c.caseId}` === row.workflow_id)!;
      const input = HistoryProto.decode(raw).events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]! as Payload;
      const opened = converter.fromPayload<unknown>((await codec.decode([input]))[0]!);
      expect(JSON.stringify(opened)).toContain(caseFile.person.idNumber);
    }
  });

  it("opens a payload for a clerk through the console's codec endpoint, from the Temporal UI's origin", async () => {
    const base = console_.url;
    const cookie = await logIn(base, 'clerk.a');
    const preflight = await fetch(`${base}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: uiOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/content-type.*x-namespace/);

    const decode = (payloads: unknown[], headers: Record<string, string> = {}, pathName = '/codec/decode') =>
      fetch(`${base}${pathName}`, {
        method: 'POST',
        headers: { origin: uiOrigin, 'content-type': 'application/json', 'x-namespace': 'default', cookie, ...headers },
        body: JSON.stringify({ payloads }),
      });
    const res = await decode([toJson(sealedInput)]);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const body = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(Buffer.from(body.payloads[0]!.data, 'base64').toString('utf8')).toContain(caseFiles[0]!.person.idNumber);

    // Encode and decode again (the UI encodes what a person types in to signal or start).
    const typed = new DefaultPayloadConverter().toPayload({ note: '韩梅梅' });
    const encoded = (await (
      await fetch(`${base}/codec/encode`, {
        method: 'POST',
        headers: { origin: uiOrigin, 'content-type': 'application/json', cookie },
        body: JSON.stringify({ payloads: [toJson(typed)] }),
      })
    ).json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(encoded.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encoded.payloads[0]!.data, 'base64').includes(Buffer.from('韩梅梅'))).toBe(false);
    const roundTrip = (await (await decode(encoded.payloads, {}, '/codec/default/decode')).json()) as { payloads: { data: string }[] };
    expect(Buffer.from(roundTrip.payloads[0]!.data, 'base64').toString('utf8')).toBe(JSON.stringify({ note: '韩梅梅' }));

    // A payload altered after sealing: a clear refusal, not a server fault.
    const tampered = toJson(sealedInput);
    const bytes = Buffer.from(tampered.data, 'base64');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    const refused = await decode([{ ...tampered, data: bytes.toString('base64') }]);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: string }).error).toMatch(/fails authentication: it was altered after sealing/);

    // Another site's page, another namespace, a form post: refused.
    expect((await decode([toJson(sealedInput)], { origin: 'https://evil.example' })).status).toBe(403);
    expect((await decode([toJson(sealedInput)], { 'x-namespace': 'other' })).status).toBe(400);
    expect((await decode([toJson(sealedInput)], { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('refuses the codec to the anonymous and to roles that see masked data only', async () => {
    const base = console_.url;
    const post = (cookie: string | null) =>
      fetch(`${base}/codec/decode`, {
        method: 'POST',
        headers: { origin: uiOrigin, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ payloads: [toJson(sealedInput)] }),
      });
    const anonymous = await post(null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/application\/json/);
    for (const username of ['boss', 'audit']) {
      const res = await post(await logIn(base, username));
      expect(res.status, username).toBe(403);
      expect(await res.text()).not.toContain(caseFiles[0]!.person.idNumber);
    }
  });

  it('replays a closed case from the archive after a key rotation, Temporal gone', async () => {
    const keyFile = path.join(keyDir(stack.dataDir), PayloadKeysSpec.file);
    const before = loadPayloadKeyRing(stack.config, stack.env);
    fs.writeFileSync(keyFile, withNewActiveKey(fs.readFileSync(keyFile, 'utf8')));
    const after = loadPayloadKeyRing(stack.config, stack.env);
    expect(after.activeId).not.toBe(before.activeId);
    expect(after.keys.has(before.activeId)).toBe(true);

    await stack.temporal.stop();
    const closed = caseFiles.find((c) => decide(c).outcome !== 'review')!;
    const lines: string[] = [];
    const code = await auditReplay(stack.config, closed.caseId, { today: '2026-11-24' }, (l) => lines.push(l));
    expect(JSON.parse(lines[0]!)).toMatchObject({ caseId: closed.caseId, ok: true, history: { status: 'ok', complete: true } });
    expect(code).toBe(0);

    // Without the retired key the archive cannot be replayed, and the verdict says why.
    fs.writeFileSync(keyFile, fs.readFileSync(keyFile, 'utf8').split('\n')[0] + '\n');
    const failed: string[] = [];
    expect(await auditReplay(stack.config, closed.caseId, { today: '2026-11-24' }, (l) => failed.push(l))).toBe(1);
    expect(JSON.parse(failed[0]!).history).toMatchObject({ status: 'failed', kind: 'PayloadDecryptionError' });
    expect(JSON.parse(failed[0]!).history.error).toMatch(new RegExp(`key ${before.activeId}`));
  });
});

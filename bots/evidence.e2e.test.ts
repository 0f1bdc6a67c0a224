/**
 * A bot's evidence never holds the core system's password: a session that expires makes the bot log
 * in again inside a traced step, the step fails, its trace is saved, and every file in the trace
 * (actions, DOM snapshots, network log, resources) is searched for the password.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIdNumber } from '../rules/idNumber';
import { validIdNumber } from '../rules/testkit/examples';
import { BusinessFault } from './errors';
import { PersonSearchPage } from './pages/PersonSearchPage';
import { createBrowserPool, type BrowserPool } from './pool';
import type { BotSession } from './session';
import { startSeededStandIn, TEST_CREDENTIALS, type SeededStandIn } from './testing';

const PASSWORD = TEST_CREDENTIALS.password;
const ID = validIdNumber('1985-03-12', 'M');

let standIn: SeededStandIn;
let pool: BrowserPool;
const evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-evidence-pw-'));

beforeAll(async () => {
  standIn = await startSeededStandIn();
  pool = createBrowserPool({ size: 1, legacyUrl: standIn.system.url, credentials: TEST_CREDENTIALS, evidenceDir });
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await standIn?.system.close();
  fs.rmSync(evidenceDir, { recursive: true, force: true });
});

/** Each entry of the zip, decompressed, and the zip's own bytes: the password in any encoding a viewer would show. */
function traceTexts(file: string): { name: string; bytes: Buffer }[] {
  const zip = new AdmZip(file);
  return [
    { name: path.basename(file), bytes: fs.readFileSync(file) },
    ...zip.getEntries().map((e) => ({ name: e.entryName, bytes: e.getData() })),
  ];
}

const forms = [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(PASSWORD).toString('base64')];

describe('bot evidence', () => {
  it('keeps the password out of a trace whose step logged in again after the session expired', async () => {
    expect(PASSWORD.length).toBeGreaterThanOrEqual(8);
    // The seat logs in (untraced) and works one step.
    let first: BotSession | null = null;
    await pool.withSession(async (session) => {
      first = session;
      await new PersonSearchPage(session).open();
    });
    expect(first!.loginCount).toBe(1);

    // The core system forgets the idle session (its clock skipped past the limit): the next step lands on the login screen.
    standIn.system.setFaults({ sessionIdleSeconds: 60 });
    standIn.clock.skip(61_000);
    const label = `LS-2025-0001-${ID}`;
    const err = await pool
      .withSession(
        async (session) => {
          await new PersonSearchPage(session).open(); // logs in again, inside the traced step
          expect(session.loginCount).toBe(2);
          await session.page.locator('body').click();
          throw new BusinessFault('TEST-AFTER-RELOGIN', '测试：重新登录后失败');
        },
        { label },
      )
      .catch((e: unknown) => e);
    standIn.system.setFaults({ sessionIdleSeconds: 1800 });

    expect(err).toBeInstanceOf(BusinessFault);
    const { evidence } = err as BusinessFault;
    expect(evidence.map((e) => e.kind)).toEqual(['screenshot', 'html', 'trace']);
    const trace = evidence.find((e) => e.kind === 'trace')!.path;
    const files = traceTexts(trace);
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['trace.trace', 'trace.network']));
    for (const { name, bytes } of files) {
      for (const form of forms) expect(bytes.includes(Buffer.from(form)), `${form} in ${name}`).toBe(false);
    }
    // Not vacuous: the trace holds the step after the login (the search screen, the click on it).
    const actions = files.find((f) => f.name === 'trace.trace')!.bytes.toString('utf8');
    expect(actions).toContain('/person/search');
    expect(actions).toContain('"method":"click"');
    for (const file of evidence) expect(fs.readFileSync(file.path).includes(Buffer.from(PASSWORD))).toBe(false);

    // Evidence file names carry no 身份证号, only its masked form.
    for (const file of evidence) {
      expect(path.basename(file.path)).not.toContain(ID);
      expect(path.basename(file.path)).toContain(maskIdNumber(ID).replace(/\*+/g, '_'));
    }
  }, 120_000);
});

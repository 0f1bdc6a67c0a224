import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessFault, TechnicalFault } from './errors';
import { PersonSearchPage } from './pages/PersonSearchPage';
import { createBrowserPool, type BrowserPool } from './pool';
import { withRetries } from './retry';
import type { BotSession } from './session';
import { startSeededStandIn, TEST_CREDENTIALS, type SeededStandIn } from './testing';

let standIn: SeededStandIn;
let pool: BrowserPool;
const evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-evidence-'));

beforeAll(async () => {
  standIn = await startSeededStandIn();
  pool = createBrowserPool({ size: 2, legacyUrl: standIn.system.url, credentials: TEST_CREDENTIALS, evidenceDir });
});
afterAll(async () => {
  await pool?.close();
  await standIn?.system.close();
});

describe('createBrowserPool', () => {
  it('works at most `size` cases at once on logged-in sessions it reuses', async () => {
    const seen = new Set<BotSession>();
    let busy = 0;
    let mostBusy = 0;
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pool.withSession(async (session) => {
          busy += 1;
          mostBusy = Math.max(mostBusy, busy);
          seen.add(session);
          const search = new PersonSearchPage(session);
          await search.open();
          await search.searchByIdNumber(standIn.caseFiles[i]!.person.idNumber);
          await sleep(50);
          busy -= 1;
        }),
      ),
    );
    expect(mostBusy).toBe(2);
    expect(seen.size).toBe(2);
    for (const session of seen) expect(session.loginCount).toBe(1);
  });

  it('keeps screenshot, page and trace of a failed step, and replaces a session a technical fault left behind', async () => {
    standIn.system.setFaults({ errorRate: 1 });
    let failed: BotSession | null = null;
    const err = await pool
      .withSession(
        async (session) => {
          failed = session;
          await new PersonSearchPage(session).open();
        },
        { label: 'LS-P-0001' },
      )
      .catch((e: unknown) => e);
    standIn.system.setFaults({ errorRate: 0 });
    expect(err).toBeInstanceOf(TechnicalFault);
    const { evidence } = err as TechnicalFault;
    expect(evidence.map((e) => e.kind)).toEqual(['screenshot', 'html', 'trace']);
    for (const file of evidence) {
      expect(file.path.startsWith(evidenceDir)).toBe(true);
      expect(file.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(file.path)).digest('hex'));
    }
    expect(fs.readFileSync(evidence[1]!.path, 'utf8')).toContain('HTTP Status 500');

    const sessions = new Set<BotSession>();
    await Promise.all(
      [0, 1].map(() =>
        pool.withSession(async (s) => {
          sessions.add(s);
        }),
      ),
    );
    expect(sessions.has(failed!)).toBe(false);
  });

  it('keeps the session after a business fault, and never retries one', async () => {
    let used: BotSession | null = null;
    let attempts = 0;
    const err = await withRetries(() =>
      pool.withSession(async (session) => {
        attempts += 1;
        used = session;
        throw new BusinessFault('SYS-RECORD-LOCKED', '该人员记录已被锁定');
      }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SYS-RECORD-LOCKED', retryable: false });
    expect(attempts).toBe(1);
    const next = await pool.withSession(async (s) => s);
    expect(next).toBe(used);
  });
});

describe('trace policy', () => {
  /** A step that fails on the core system's error page, as the given attempt of its activity; the kinds of evidence it kept. */
  async function failingStep(tracePool: BrowserPool, attempt: number): Promise<string[]> {
    await tracePool.withSession(async () => undefined); // the seat logs in while the core system answers
    standIn.system.setFaults({ errorRate: 1 });
    try {
      const err = await tracePool
        .withSession(
          async (session) => {
            await new PersonSearchPage(session).open();
          },
          { label: `LS-P-0002-attempt-${attempt}`, attempt },
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TechnicalFault);
      return (err as TechnicalFault).evidence.map((e) => e.kind);
    } finally {
      standIn.system.setFaults({ errorRate: 0 });
    }
  }

  it('on-retry: a first attempt keeps its screenshot and page, a retry its trace too', async () => {
    const onRetry = createBrowserPool({
      size: 1,
      legacyUrl: standIn.system.url,
      credentials: TEST_CREDENTIALS,
      evidenceDir,
      trace: 'on-retry',
    });
    try {
      expect(await failingStep(onRetry, 1)).toEqual(['screenshot', 'html']);
      expect(await failingStep(onRetry, 2)).toEqual(['screenshot', 'html', 'trace']);
      // A step that goes well after a traced one is not traced: the next failing first attempt has no trace.
      await onRetry.withSession(async (session) => new PersonSearchPage(session).open(), { attempt: 2 });
      expect(await failingStep(onRetry, 1)).toEqual(['screenshot', 'html']);
    } finally {
      await onRetry.close();
    }
  });

  it('off: no step is traced, a failure still keeps its screenshot and page', async () => {
    const off = createBrowserPool({ size: 1, legacyUrl: standIn.system.url, credentials: TEST_CREDENTIALS, evidenceDir, trace: 'off' });
    try {
      expect(await failingStep(off, 3)).toEqual(['screenshot', 'html']);
    } finally {
      await off.close();
    }
  });
});

describe('withRetries', () => {
  it('retries technical faults with backoff until one attempt succeeds, and gives up after the last', async () => {
    let calls = 0;
    const retried: number[] = [];
    const value = await withRetries(
      async () => {
        calls += 1;
        if (calls < 3) throw new TechnicalFault('server-error', 'HTTP 500');
        return 'ok';
      },
      { delayMs: 1, onRetry: (_e, attempt) => retried.push(attempt) },
    );
    expect(value).toBe('ok');
    expect(retried).toEqual([1, 2]);
    await expect(
      withRetries(async () => Promise.reject(new TechnicalFault('timeout', 'slow')), { attempts: 3, delayMs: 1 }),
    ).rejects.toMatchObject({
      kind: 'timeout',
    });
    await expect(withRetries(async () => Promise.reject(new Error('a bug')), { delayMs: 1 })).rejects.toThrow('a bug');
  });

  it('masks 身份证号 in fault messages', () => {
    const fault = new TechnicalFault('server-error', '核心系统返回 HTTP 500（/person/detail?idNumber=440402199910304597）');
    expect(fault.message).toContain('440402********4597');
    expect(fault.message).not.toContain('440402199910304597');
  });
});

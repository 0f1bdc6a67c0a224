import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { factsFromRecords } from '../fixtures/legacy-system/facts';
import { loadLegacyData } from '../fixtures/legacy-system/records';
import { startLegacySystem } from '../fixtures/legacy-system/server';
import { decide } from '../rules';
import type { CaseFile } from '../rules/schemas';
import { launchChromium } from './browser';
import { enterResult } from './enterResult';
import { entryRequestFromDecision } from './entryRequest';
import { BusinessFault } from './errors';
import type { EntryRequest } from './lookBeforeSubmit';
import { EntryListPage } from './pages/EntryListPage';
import { LumpSumEntryPage } from './pages/LumpSumEntryPage';
import { createBrowserPool } from './pool';
import { readFacts } from './readFacts';
import { withRetries } from './retry';
import { openSession, queryFor, startSeededStandIn, TEST_CREDENTIALS, type SeededStandIn } from './testing';

let browser: Browser;
let standIn: SeededStandIn;

beforeAll(async () => {
  browser = await launchChromium();
  standIn = await startSeededStandIn({ generated: 9, faults: { pageSize: 5 }, seed: 99 });
});
afterAll(async () => {
  await browser?.close();
  await standIn?.system.close();
});
afterEach(() => standIn.system.setFaults({ errorRate: 0, latencyMs: 0, sessionIdleSeconds: 1800, confirmModal: true }));

/** The entry request of a case file's decision, as the workflow would hand it to the bot. */
function requestFor(caseFile: CaseFile, caseId = caseFile.caseId): EntryRequest {
  const decision = decide(caseFile);
  const hospitalCode = caseFile.type === 'reimbursement' ? caseFile.visit.hospital.code : undefined;
  return { ...entryRequestFromDecision(decision, { idNumber: caseFile.person.idNumber, hospitalCode }), caseId };
}
const entriesOf = (caseId: string) => (loadLegacyData(standIn.dataFile).entries ?? []).filter((e) => e.caseId === caseId);
const byType = (type: string) => standIn.caseFiles.filter((c) => c.type === type);

describe('enterResult: look before submit', () => {
  it('enters each business once; entering again finds the entry and submits nothing', async () => {
    const session = await openSession(browser, standIn.system.url);
    for (const caseFile of [byType('lump-sum')[0]!, byType('transfer')[0]!, byType('reimbursement')[0]!]) {
      const request = requestFor(caseFile);
      const first = await enterResult(session, request);
      const again = await enterResult(session, request);
      expect(first).toEqual({ entryNumber: expect.stringMatching(/^SL\d{14}$/), alreadyEntered: false });
      expect(again).toEqual({ entryNumber: first.entryNumber, alreadyEntered: true });
      const [entry, ...more] = entriesOf(caseFile.caseId);
      expect(more).toEqual([]);
      expect(entry).toMatchObject({
        type: request.type,
        outcome: request.outcome,
        amount: request.amount ?? null,
        reasons: request.reasons,
      });
      if (request.type === 'transfer') {
        expect(entry!.fields).toMatchObject({ benefitStartMonth: request.benefitStartMonth, dueDate: request.dueDate });
      }
    }
    await session.page.context().close();
  });

  it('refuses to enter a different result over an earlier entry of the case', async () => {
    const session = await openSession(browser, standIn.system.url);
    const request = requestFor(byType('lump-sum')[1]!, 'LS-C-0001');
    if (request.type !== 'lump-sum') throw new Error('expected a lump-sum request');
    await enterResult(session, { ...request, outcome: 'review', amount: null });
    const err = await enterResult(session, { ...request, outcome: 'approve', amount: '100.00' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessFault);
    expect(err).toMatchObject({ code: 'SYS-ENTRY-CONFLICT' });
    expect(entriesOf('LS-C-0001')).toHaveLength(1);
    await session.page.context().close();
  });

  it('asks the guard right before the click that sends the entry, and sends nothing when it refuses', async () => {
    const session = await openSession(browser, standIn.system.url);
    const refused = new Error('这次尝试已被接替');
    let asked: boolean[] = [];
    /** A guard that notes whether 确认提交？ was open when asked, and refuses from its `refuseAt`-th question on. */
    const guard =
      (refuseAt = Infinity) =>
      async () => {
        asked.push(await session.page.getByRole('dialog', { name: '系统确认' }).isVisible());
        if (asked.length >= refuseAt) throw refused;
      };
    const request = requestFor(byType('lump-sum')[1]!, 'LS-GUARD-0001');
    const other = requestFor(byType('lump-sum')[2]!, 'LS-GUARD-0002');

    // Asked before 提交 (which sends when the system asks nothing) and again with 确认提交？ open, before 确定.
    expect(await enterResult(session, request, guard())).toMatchObject({ alreadyEntered: false });
    expect(asked).toEqual([false, true]);
    expect(entriesOf('LS-GUARD-0001')).toHaveLength(1);

    for (const refuseAt of [1, 2]) {
      asked = [];
      expect(await enterResult(session, other, guard(refuseAt)).catch((e: unknown) => e)).toBe(refused);
      expect(asked).toHaveLength(refuseAt);
      expect(entriesOf('LS-GUARD-0002')).toEqual([]);
    }

    // Without the dialog 提交 sends: the guard before it has the last word.
    standIn.system.setFaults({ confirmModal: false });
    asked = [];
    expect(await enterResult(session, other, guard(1)).catch((e: unknown) => e)).toBe(refused);
    expect(entriesOf('LS-GUARD-0002')).toEqual([]);

    // A case already entered is found by the look before submit: the guard is never asked.
    asked = [];
    expect(await enterResult(session, request, guard(1))).toMatchObject({ alreadyEntered: true });
    expect(asked).toEqual([]);
    await session.page.context().close();
  });

  it('after a crash between 确定 and the confirmation page, a retry with a fresh session leaves exactly one entry', async () => {
    const request = requestFor(byType('lump-sum')[1]!, 'LS-CRASH-0001');
    if (request.type !== 'lump-sum') throw new Error('expected a lump-sum request');
    const crashing = await openSession(browser, standIn.system.url);
    await crashing.login();
    const form = new LumpSumEntryPage(crashing);
    await form.open();
    await form.fillIn(request);
    expect(await form.clickSubmit()).toBe(true);
    // The server is still busy when the bot's browser dies: the entry is saved, its 受理号 never seen.
    standIn.system.setFaults({ latencyMs: 800 });
    let confirmationSeen = false;
    crashing.page.on('response', (r) => {
      if (r.request().method() === 'POST') confirmationSeen = true;
    });
    const posted = crashing.page.waitForRequest((r) => r.method() === 'POST');
    // 确定 clicked from inside the page: Playwright's own click would wait for the answer, the crash must not.
    await crashing.page.getByRole('button', { name: '确定' }).evaluate((button) => (button as unknown as { click(): void }).click());
    await posted;
    await sleep(100);
    await crashing.page.context().close();
    expect(confirmationSeen).toBe(false);
    await expect.poll(() => entriesOf('LS-CRASH-0001').length, { timeout: 5_000 }).toBe(1);

    standIn.system.setFaults({ latencyMs: 0 });
    const fresh = await openSession(browser, standIn.system.url);
    const retried = await enterResult(fresh, request);
    expect(retried).toEqual({ entryNumber: entriesOf('LS-CRASH-0001')[0]!.entryNumber, alreadyEntered: true });
    const list = new EntryListPage(fresh);
    await list.open();
    expect(await list.findEntriesOfCase('LS-CRASH-0001')).toHaveLength(1);
    expect(entriesOf('LS-CRASH-0001')).toHaveLength(1);
    await fresh.page.context().close();
  });

  it('after a crash before 确定, the retry enters the case, once', async () => {
    const request = requestFor(byType('lump-sum')[2]!, 'LS-CRASH-0002');
    const crashing = await openSession(browser, standIn.system.url);
    await crashing.login();
    const form = new LumpSumEntryPage(crashing);
    await form.open();
    if (request.type !== 'lump-sum') throw new Error('expected a lump-sum request');
    await form.fillIn(request);
    expect(await form.clickSubmit()).toBe(true);
    await crashing.page.context().close();

    const fresh = await openSession(browser, standIn.system.url);
    expect(await enterResult(fresh, request)).toMatchObject({ alreadyEntered: false });
    expect(await enterResult(fresh, request)).toMatchObject({ alreadyEntered: true });
    expect(entriesOf('LS-CRASH-0002')).toHaveLength(1);
    await fresh.page.context().close();
  });
});

describe('bots against a misbehaving core system', () => {
  it('with 10% 500s, 200 ms latency and sessions expiring under it, a retry loop reads and enters every case correctly, once each', async () => {
    standIn.system.setFaults({ errorRate: 0.1, latencyMs: 200, sessionIdleSeconds: 60 });
    const pool = createBrowserPool({ size: 2, legacyUrl: standIn.system.url, credentials: TEST_CREDENTIALS, timeoutMs: 10_000 });
    const cases = [...byType('lump-sum').slice(3, 5), ...byType('transfer').slice(1, 3), ...byType('reimbursement').slice(2, 4)];
    let retries = 0;
    let relogins = 0;
    const retrying = { attempts: 15, delayMs: 50, maxDelayMs: 400, onRetry: () => void (retries += 1) };
    const results = new Map<string, string>();
    try {
      await Promise.all(
        [0, 1].map(async (lane) => {
          for (let i = lane; i < cases.length; i += 2) {
            const caseFile = cases[i]!;
            const query = queryFor(caseFile);
            const reading = await withRetries(() => pool.withSession((s) => readFacts(s, query)), retrying);
            expect(reading).toEqual(factsFromRecords(standIn.data, query));
            let expireFirst = i % 3 === 0;
            const entered = await withRetries(
              () =>
                pool.withSession(async (s) => {
                  // The core system's clock skipped past the idle limit: this session (and the other lane's) has expired.
                  if (expireFirst) standIn.clock.skip(61_000);
                  const before = s.loginCount;
                  try {
                    return await enterResult(s, requestFor(caseFile));
                  } finally {
                    relogins += s.loginCount - before;
                    if (s.loginCount > before) expireFirst = false;
                  }
                }),
              retrying,
            );
            results.set(caseFile.caseId, entered.entryNumber);
          }
        }),
      );
    } finally {
      await pool.close();
    }
    expect(retries).toBeGreaterThan(0);
    expect(relogins).toBeGreaterThan(0);
    for (const caseFile of cases) {
      const entries = entriesOf(caseFile.caseId);
      expect(entries.map((e) => e.entryNumber)).toEqual([results.get(caseFile.caseId)]);
      expect(entries[0]).toMatchObject({ outcome: decide(caseFile).outcome, amount: decide(caseFile).amount });
    }
  }, 180_000); // 500s, latency and expiries on a loaded 2-core machine can take minutes
});

describe('persistence', () => {
  it('finds entries made before a restart of the core system, and enters nothing twice', async () => {
    const caseFile = byType('transfer')[3] ?? byType('transfer')[0]!;
    const request = requestFor(caseFile, 'TR-RESTART-0001');
    const first = await enterResult(await openSession(browser, standIn.system.url), request);
    await standIn.system.close();

    const restarted = await startLegacySystem({ dataFile: standIn.dataFile });
    try {
      const session = await openSession(browser, restarted.url);
      expect(await enterResult(session, request)).toEqual({ entryNumber: first.entryNumber, alreadyEntered: true });
      expect(await readFacts(session, queryFor(caseFile))).toEqual(factsFromRecords(standIn.data, queryFor(caseFile)));
      expect(entriesOf('TR-RESTART-0001')).toHaveLength(1);
    } finally {
      await restarted.close();
      standIn.system = await startLegacySystem({ dataFile: standIn.dataFile });
    }
  });
});

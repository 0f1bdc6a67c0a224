import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadLegacyData } from '../fixtures/legacy-system/records';
import type { LumpSumCase, ReimbursementCase, TransferCase } from '../rules/schemas';
import { launchChromium } from './browser';
import { BusinessFault, TechnicalFault } from './errors';
import { saveEvidence, startEvidenceTrace, beginEvidenceChunk } from './evidence';
import { EntryListPage } from './pages/EntryListPage';
import { HospitalLookupPage } from './pages/HospitalLookupPage';
import { InvoiceLookupPage } from './pages/InvoiceLookupPage';
import { LumpSumEntryPage } from './pages/LumpSumEntryPage';
import { PersonSearchPage } from './pages/PersonSearchPage';
import { PersonDetailPage } from './pages/PersonDetailPage';
import { ReimbursementEntryPage } from './pages/ReimbursementEntryPage';
import { TransferEntryPage } from './pages/TransferEntryPage';
import { BotSession } from './session';
import { openSession, startSeededStandIn, TEST_CREDENTIALS, type SeededStandIn } from './testing';

let browser: Browser;
let standIn: SeededStandIn;
let session: BotSession;
const LOCKED_ID = '440402198001010011';

beforeAll(async () => {
  browser = await launchChromium();
  standIn = await startSeededStandIn({
    faults: { pageSize: 3 },
    adjust(data) {
      // Enough reimbursed invoices for several pages, and a person another business has locked.
      for (let i = 2; i <= 8; i++) data.claimedInvoices.push({ code: '44060122', number: String(i).padStart(10, '0'), idNumber: null });
      const someone = Object.values(data.persons)[0]!;
      data.persons[LOCKED_ID] = { ...someone, idNumber: LOCKED_ID, locked: true };
    },
  });
  session = await openSession(browser, standIn.system.url);
  await session.login();
});
afterAll(async () => {
  await browser?.close();
  await standIn?.system.close();
});
afterEach(() => standIn.system.setFaults({ errorRate: 0, latencyMs: 0, sessionIdleSeconds: 1800, confirmModal: true }));

const ofType = <T>(type: string) => standIn.caseFiles.filter((c) => c.type === type) as T[];
const entriesInFile = () => loadLegacyData(standIn.dataFile).entries ?? [];

describe('LoginPage', () => {
  it('logs in with the configured account and refuses a wrong password without retrying', async () => {
    const fresh = await openSession(browser, standIn.system.url);
    await fresh.login();
    expect(await fresh.screen()).toBe('home');
    expect(fresh.loginCount).toBe(1);

    const wrong = new BotSession(await browser.newPage(), {
      baseUrl: standIn.system.url,
      credentials: { ...TEST_CREDENTIALS, password: 'nope' },
    });
    const err = await wrong.login().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessFault);
    expect(err).toMatchObject({ code: 'SYS-LOGIN-REJECTED', retryable: false, concernsCase: false });
    expect((err as Error).message).toContain('用户名或密码错误');
    await fresh.page.context().close();
    await wrong.page.close();
  });
});

describe('PersonSearchPage and PersonDetailPage', () => {
  it('finds a person by 身份证号 and finds no one for an unknown number', async () => {
    const c = standIn.caseFiles[0]!;
    const search = new PersonSearchPage(session);
    await search.open();
    expect(await search.searchByIdNumber(c.person.idNumber)).toEqual([
      expect.objectContaining({ idNumber: c.person.idNumber, name: c.person.name, sex: c.person.sex }),
    ]);
    expect(await search.searchByIdNumber('110101199001011237')).toEqual([]);
  });

  it('opens a record by 身份证号 in one screen, and none for an unknown number', async () => {
    const c = standIn.caseFiles[0]!;
    const loads = session.pageLoads;
    const detail = await PersonDetailPage.openByIdNumber(session, c.person.idNumber);
    expect(session.pageLoads - loads).toBe(1);
    expect(await detail!.readBasicInfo()).toMatchObject({ idNumber: c.person.idNumber, name: c.person.name });
    expect(await PersonDetailPage.openByIdNumber(session, '110101199001011237')).toBeNull();
  });

  it('reads every section of the detail screen as the record holds it', async () => {
    for (const c of [
      ofType<LumpSumCase>('lump-sum')[0]!,
      ofType<TransferCase>('transfer')[0]!,
      ofType<ReimbursementCase>('reimbursement')[0]!,
    ]) {
      const record = standIn.data.persons[c.person.idNumber]!;
      const search = new PersonSearchPage(session);
      await search.open();
      await search.searchByIdNumber(c.person.idNumber);
      const detail = await search.openPersonDetail(c.person.idNumber);
      expect(await detail.readBasicInfo()).toEqual({
        idNumber: record.idNumber,
        name: record.name,
        sex: record.sex,
        birthDate: record.birthDate,
        scheme: record.scheme,
        retired: record.retired,
        originalRetirementAge: record.originalRetirementAge,
        retirement: record.retirement,
        locked: false,
      });
      expect(await detail.readContributions()).toEqual(record.contributions);
      expect(await detail.readCoverage()).toEqual({ coverage: record.coverage, waitingUntil: record.waitingUntil });
      const transfer = await detail.readTransferInfo();
      if (record.transferIn) {
        const { applicationDate: _notShown, ...shown } = record.transferIn;
        expect(transfer).toEqual(shown);
      } else expect(transfer).toBeNull();
      expect(await detail.readFundPayments()).toEqual(record.fundPayments);

      // The same record read by its address, not shown: the same readings, and the page stays put.
      const shownAt = session.page.url();
      const loads = session.pageLoads;
      const byAddress = (await PersonDetailPage.openByIdNumber(session, c.person.idNumber))!;
      expect(session.pageLoads - loads).toBe(1);
      expect(session.page.url()).toBe(shownAt);
      expect(await byAddress.readBasicInfo()).toEqual(await detail.readBasicInfo());
      expect(await byAddress.readContributions()).toEqual(await detail.readContributions());
      expect(await byAddress.readCoverage()).toEqual(await detail.readCoverage());
      expect(await byAddress.readTransferInfo()).toEqual(await detail.readTransferInfo());
      expect(await byAddress.readFundPayments()).toEqual(await detail.readFundPayments());
    }
  });
});

describe('HospitalLookupPage and InvoiceLookupPage', () => {
  it('looks a hospital up by code, and finds none for an unknown code', async () => {
    const [code, hospital] = Object.entries(standIn.data.hospitals)[0]!;
    const lookup = new HospitalLookupPage(session);
    await lookup.open();
    expect(await lookup.lookUpByCode(code)).toEqual(hospital);
    expect(await lookup.lookUpByCode('H99999999')).toBeNull();
  });

  it('pages through all reimbursed invoices and checks one invoice', async () => {
    const invoices = new InvoiceLookupPage(session);
    await invoices.open();
    expect(await invoices.readAllPages()).toEqual(standIn.data.claimedInvoices.map(({ code, number }) => ({ code, number })));
    expect(standIn.data.claimedInvoices.length).toBeGreaterThan(6);
    expect(await invoices.isClaimed('44060122', '0000000005')).toBe(true);
    expect(await invoices.isClaimed('44060122', '0000000099')).toBe(false);
  });

  it('reads every page of reimbursed invoices by address, by the 下一页 link each page shows', async () => {
    const invoices = new InvoiceLookupPage(session);
    const shownAt = session.page.url();
    const loads = session.pageLoads;
    const all = standIn.data.claimedInvoices.map(({ code, number }) => ({ code, number }));
    expect(await invoices.readAllAt()).toEqual(all);
    expect(session.pageLoads - loads).toBe(Math.ceil(all.length / 3));
    expect(session.page.url()).toBe(shownAt);
    expect(await invoices.readAllAt({ code: '44060122', number: '0000000005' })).toEqual([{ code: '44060122', number: '0000000005' }]);
  });
});

describe('entry screens', () => {
  it('enters 趸缴核定 through the confirmation dialog and shows the 受理号', async () => {
    const c = ofType<LumpSumCase>('lump-sum')[0]!;
    const form = new LumpSumEntryPage(session);
    await form.open();
    await form.fillIn({ caseId: 'LS-S-0001', idNumber: c.person.idNumber, outcome: 'approve', amount: '23456.70', reasons: [] });
    const saved = await form.submit();
    expect(saved).toEqual({ entryNumber: expect.stringMatching(/^SL\d{14}$/), caseId: 'LS-S-0001' });
    expect(entriesInFile().at(-1)).toMatchObject({
      entryNumber: saved.entryNumber,
      type: 'lump-sum',
      outcome: 'approve',
      amount: '23456.70',
    });
  });

  it('enters 转移接续转入 with its months and dates, without a dialog when the system has none', async () => {
    standIn.system.setFaults({ confirmModal: false });
    const c = ofType<TransferCase>('transfer')[0]!;
    const form = new TransferEntryPage(session);
    await form.open();
    await form.fillIn({
      caseId: 'TR-S-0001',
      idNumber: c.person.idNumber,
      outcome: 'review',
      reasons: ['TR-06'],
      benefitStartMonth: '2024-11',
      waitingMonths: 0,
      mergedMonths: 78,
      dueDate: '2024-11-25',
    });
    const saved = await form.submit();
    expect(entriesInFile().at(-1)).toMatchObject({
      entryNumber: saved.entryNumber,
      type: 'transfer',
      outcome: 'review',
      amount: null,
      reasons: ['TR-06'],
      fields: { benefitStartMonth: '2024-11', waitingMonths: '0', mergedMonths: '78', dueDate: '2024-11-25' },
    });
  });

  it('enters 零星报销登记; nothing is sent until 确定 is clicked', async () => {
    const c = ofType<ReimbursementCase>('reimbursement')[0]!;
    const form = new ReimbursementEntryPage(session);
    await form.open();
    await form.fillIn({
      caseId: 'RB-S-0001',
      idNumber: c.person.idNumber,
      outcome: 'reject',
      amount: null,
      reasons: ['RB-03', 'RB-07'],
      hospitalCode: c.visit.hospital.code,
    });
    const before = entriesInFile().length;
    expect(await form.clickSubmit()).toBe(true);
    expect(entriesInFile()).toHaveLength(before);
    await session.navigate(() => form.confirmDialog());
    expect(await session.screen()).toBe('entry-saved');
    expect(entriesInFile().at(-1)).toMatchObject({
      caseId: 'RB-S-0001',
      outcome: 'reject',
      amount: null,
      reasons: ['RB-03', 'RB-07'],
      fields: { hospitalCode: c.visit.hospital.code },
    });
  });

  it("fills a form as a clerk tabs through it: each field's handlers see focus, input, change and blur, in order", async () => {
    const form = new LumpSumEntryPage(session);
    await form.open();
    // What a core system's own validation scripts would hear.
    await session.page.evaluate(() => {
      const heard: string[] = [];
      (window as unknown as { heard: string[] }).heard = heard;
      for (const type of ['focusin', 'input', 'change', 'focusout'])
        document.getElementById('entryForm')!.addEventListener(type, (e) => heard.push(`${(e.target as HTMLElement).id}:${type}`));
    });
    await form.fillIn({ caseId: 'LS-S-0003', idNumber: '110101199001011237', outcome: 'reject', amount: null, reasons: ['A', 'B'] });
    const heard = await session.page.evaluate(() => (window as unknown as { heard: string[] }).heard);
    const fields = ['caseId', 'idNumber', 'outcome', 'amount', 'reasons', 'remark'];
    expect(heard).toEqual(fields.flatMap((f) => [`${f}:focusin`, `${f}:input`, `${f}:change`, `${f}:focusout`]));
    expect(await session.page.locator('#outcome option:checked').textContent()).toBe('审核不通过');
    expect(await session.page.locator('#reasons').inputValue()).toBe('A,B');
  });

  it('refuses to fill a field the screen does not let a clerk fill, and a choice the list lacks', async () => {
    const form = new LumpSumEntryPage(session);
    const fill = () => form.fillIn({ caseId: 'LS-S-0004', idNumber: LOCKED_ID, outcome: 'approve', amount: '1.00', reasons: [] });
    for (const spoil of [
      "document.getElementById('amount').disabled = true",
      "document.getElementById('amount').readOnly = true",
      "document.getElementById('amount').style.display = 'none'",
      "document.getElementById('amount').maxLength = 3",
      "document.getElementById('amount').remove()",
      'document.querySelector(\'#outcome option[value="1"]\').remove()',
    ]) {
      await form.open();
      await session.page.evaluate(spoil);
      await expect(fill(), spoil).rejects.toMatchObject({ name: 'TechnicalFault', kind: 'unexpected-screen' });
    }
  });

  it('clicks 提交 only where a clerk could: not when it is disabled, hidden or covered, and then sends nothing', async () => {
    const form = new LumpSumEntryPage(session);
    const before = entriesInFile().length;
    for (const spoil of [
      "document.getElementById('btnSubmit').disabled = true",
      "document.getElementById('btnSubmit').style.visibility = 'hidden'",
      // The dialog's mask over the whole form, as when a dialog is open.
      "document.getElementById('confirmMask').style.display = 'block'",
    ]) {
      await form.open();
      await form.fillIn({ caseId: 'LS-S-0005', idNumber: LOCKED_ID, outcome: 'approve', amount: '1.00', reasons: [] });
      await session.page.evaluate(spoil);
      await expect(form.clickSubmit(), spoil).rejects.toMatchObject({ name: 'TechnicalFault', kind: 'unexpected-screen' });
    }
    expect(entriesInFile()).toHaveLength(before);
  });

  it('reports a refusal as a business fault: record locked, person unknown', async () => {
    const form = new LumpSumEntryPage(session);
    await form.open();
    await form.fillIn({ caseId: 'LS-S-0002', idNumber: LOCKED_ID, outcome: 'approve', amount: '1.00', reasons: [] });
    await expect(form.submit()).rejects.toMatchObject({ name: 'BusinessFault', code: 'SYS-RECORD-LOCKED', retryable: false });
    await form.open();
    await form.fillIn({ caseId: 'LS-S-0002', idNumber: '110101199001011237', outcome: 'approve', amount: '1.00', reasons: [] });
    await expect(form.submit()).rejects.toMatchObject({ code: 'SYS-PERSON-NOT-FOUND' });
  });
});

describe('EntryListPage', () => {
  it('finds exactly the entries of one case across pages, not those whose number merely contains it', async () => {
    const c = ofType<LumpSumCase>('lump-sum')[0]!;
    const form = new LumpSumEntryPage(session);
    const numbers: string[] = [];
    for (const caseId of ['LS-L-0001', 'LS-L-00011', 'LS-L-00012', 'LS-L-0001', 'LS-L-00013']) {
      await form.open();
      await form.fillIn({ caseId, idNumber: c.person.idNumber, outcome: 'approve', amount: '10.00', reasons: [] });
      numbers.push((await form.submit()).entryNumber);
    }
    const list = new EntryListPage(session);
    await list.open();
    const found = await list.findEntriesOfCase('LS-L-0001');
    expect(found.map((e) => e.entryNumber)).toEqual([numbers[0], numbers[3]]);
    expect(found[0]).toMatchObject({ caseId: 'LS-L-0001', type: 'lump-sum', outcome: 'approve', amount: '10.00', enteredBy: 'rpa01' });
    expect(await list.findEntriesOfCase('LS-L-9999')).toEqual([]);
  });
});

describe('BotSession', () => {
  // Sessions expire by the stand-in's clock skipping past the idle limit. The limit goes back to half
  // an hour after each test, and the clock skips far less in all, so the shared session stays alive.
  const IDLE_SECONDS = 60;
  const pastIdle = (IDLE_SECONDS + 1) * 1000;

  it('logs in again when the session expired before opening a screen', async () => {
    const s = await openSession(browser, standIn.system.url);
    await s.login();
    standIn.system.setFaults({ sessionIdleSeconds: IDLE_SECONDS });
    standIn.clock.skip(pastIdle);
    await new PersonSearchPage(s).open();
    expect(await s.screen()).toBe('person-search');
    expect(s.loginCount).toBe(2);
    await s.page.context().close();
  });

  it('turns an expiry during a form submission into a retryable fault, logged in again, and run() redoes the step', async () => {
    const s = await openSession(browser, standIn.system.url);
    await s.login();
    const search = new PersonSearchPage(s);
    await search.open();
    // A minute's idle limit, which no page takes on a loaded machine, and the stand-in's clock skipped past it.
    standIn.system.setFaults({ sessionIdleSeconds: IDLE_SECONDS });
    standIn.clock.skip(pastIdle);
    const err = await search.searchByIdNumber(standIn.caseFiles[0]!.person.idNumber).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TechnicalFault);
    expect(err).toMatchObject({ kind: 'session-expired', retryable: true });
    expect(s.loginCount).toBe(2);

    standIn.clock.skip(pastIdle);
    let attempts = 0;
    const rows = await s.run(async () => {
      attempts += 1;
      await search.open();
      if (attempts === 1) standIn.clock.skip(pastIdle);
      return search.searchByIdNumber(standIn.caseFiles[0]!.person.idNumber);
    });
    expect(rows).toHaveLength(1);
    expect(attempts).toBe(2);
    await s.page.context().close();
  });

  it('reads a screen by address after the session expired, logging in again; a 500, a slow or absent system are technical faults', async () => {
    const s = await openSession(browser, standIn.system.url, 1_000);
    await s.login();
    standIn.system.setFaults({ sessionIdleSeconds: IDLE_SECONDS });
    standIn.clock.skip(pastIdle);
    const [code, hospital] = Object.entries(standIn.data.hospitals)[0]!;
    expect(await new HospitalLookupPage(s).lookUpByCode(code)).toEqual(hospital);
    expect(s.loginCount).toBe(2);

    standIn.system.setFaults({ errorRate: 1 });
    await expect(new HospitalLookupPage(s).lookUpByCode(code)).rejects.toMatchObject({ name: 'TechnicalFault', kind: 'server-error' });
    standIn.system.setFaults({ errorRate: 0, latencyMs: 3000 });
    await expect(new HospitalLookupPage(s).lookUpByCode(code)).rejects.toMatchObject({ name: 'TechnicalFault', kind: 'timeout' });
    standIn.system.setFaults({ latencyMs: 0 });
    await expect(s.readScreen('/person/detail?idNumber=x', 'hospital-lookup')).rejects.toMatchObject({ kind: 'unexpected-screen' });
    await s.page.context().close();

    // A system that goes away while the page still shows one of its screens.
    const gone = await startSeededStandIn();
    const g = await openSession(browser, gone.system.url);
    await g.login();
    await gone.system.close();
    await expect(new HospitalLookupPage(g).lookUpByCode(code)).rejects.toMatchObject({ name: 'TechnicalFault', kind: 'unreachable' });
    await g.page.context().close();
  });

  it('takes a session that expires right after logging in for an expiry, not for a refused account', async () => {
    const s = await openSession(browser, standIn.system.url);
    standIn.system.setFaults({ sessionIdleSeconds: IDLE_SECONDS });
    // The system's idle clock jumps between its answer to the login POST and the first screen.
    await s.page.route('**/login', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const response = await route.fetch({ maxRedirects: 0 });
      standIn.clock.skip(pastIdle);
      await route.fulfill({ response });
    });
    await expect(s.login()).rejects.toMatchObject({ name: 'TechnicalFault', kind: 'session-expired', retryable: true });
    await s.page.unrouteAll();
    await s.login();
    expect(await s.screen()).toBe('home');
    await s.page.context().close();
  });

  it('reports a 500 page as a retryable technical fault', async () => {
    standIn.system.setFaults({ errorRate: 1 });
    const err = await new PersonSearchPage(session).open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TechnicalFault);
    expect(err).toMatchObject({ kind: 'server-error', retryable: true });
    expect((err as Error).message).toContain('HTTP 500');
  });

  it('reports a page slower than its timeout, and an unreachable system, as technical faults', async () => {
    const slow = await openSession(browser, standIn.system.url, 300);
    standIn.system.setFaults({ latencyMs: 1500 });
    await expect(slow.run(() => slow.login())).rejects.toMatchObject({ name: 'TechnicalFault', kind: 'timeout' });
    await slow.page.context().close();

    const nowhere = await openSession(browser, 'http://127.0.0.1:9');
    await expect(nowhere.run(() => nowhere.login())).rejects.toMatchObject({ name: 'TechnicalFault', kind: 'unreachable' });
    await nowhere.page.context().close();
  });

  it('keeps a screenshot, the page and the trace as evidence, with their sha256', async () => {
    const context = await browser.newContext();
    await startEvidenceTrace(context);
    await beginEvidenceChunk(context, 'evidence-test');
    const s = new BotSession(await context.newPage(), { baseUrl: standIn.system.url, credentials: TEST_CREDENTIALS });
    await s.login();
    await new PersonSearchPage(s).open();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
    const files = await saveEvidence(s.page, dir, 'LS-E-0001 search');
    expect(files.map((f) => f.kind)).toEqual(['screenshot', 'html', 'trace']);
    for (const f of files) {
      expect(path.dirname(f.path)).toBe(dir);
      expect(path.basename(f.path)).toMatch(/^LS-E-0001_search-/);
      expect(f.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(f.path)).digest('hex'));
    }
    expect(fs.readFileSync(files[1]!.path, 'utf8')).toContain('data-screen="person-search"');
    await context.close();
  });
});

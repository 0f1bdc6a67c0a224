import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases } from '../fixtures/generate';
import { decide, defaultParameters, parseCaseFile, versionInForce, type Parameters } from '../rules';
import type { CaseFile, Decision, LumpSumDecision } from '../rules/schemas';
import { toFen } from '../rules/money';
import { openStore, listEvents, ADMIN_TRAIL_ID, createUser, type Store } from '../store';
import { loadBureauCalendar } from '../store/calendarYears';
import { recordDecision } from '../bench/decisionRows';
import { applyDraft, draftOf, DraftError, loadDraft, parseDraftText, type Draft } from './draft';
import { simulateDraft } from './simulate';
import { runPolicySimulate } from '../cli/policySimulate';
import ExcelJS from 'exceljs';
import lumpSumData from '../rules/params/lump-sum.json' with { type: 'json' };
import reimbursementData from '../rules/params/reimbursement.json' with { type: 'json' };

let dir: string;
let store: Store;
let base: Parameters;
/** Every case as recorded: its latest case file, Beijing date of its latest decision, type. */
const recorded = new Map<string, { caseFile: CaseFile; date: string }>();
/** A case whose recorded decision was made under other parameters than the base. */
let oddOne: string;
/** A case decided in March, corrected in June: its latest decision is June's. */
let corrected: string;

const MARCH = '2026-03-10T02:00:00Z';
const JUNE = '2026-06-15T02:00:00Z';

function draftFrom(name: string, data: unknown): Draft {
  return draftOf([parseDraftText(name, JSON.stringify(data))]);
}

/** Reimbursement ratios of every version lowered by 0.05. */
function lowerRatios(): Draft {
  const data = structuredClone(reimbursementData);
  const lower = (r: string) => (Number(r) - 0.05).toFixed(2);
  for (const v of data.versions) {
    v.inpatientRatio.employeeInService = {
      1: lower(v.inpatientRatio.employeeInService['1']),
      2: lower(v.inpatientRatio.employeeInService['2']),
      3: lower(v.inpatientRatio.employeeInService['3']),
    };
    v.inpatientRatio.employeeRetired = lower(v.inpatientRatio.employeeRetired);
    v.inpatientRatio.resident = lower(v.inpatientRatio.resident);
    v.outpatientRatio = { employee: lower(v.outpatientRatio.employee), resident: lower(v.outpatientRatio.resident) };
  }
  return draftFrom('reimbursement.json', data);
}

const RAISED = 600;
/** Lump-sum required months raised to 50 years for men and women in every version. */
function raiseRequiredMonths(): Draft {
  const data = structuredClone(lumpSumData);
  for (const v of data.versions) v.requiredMonths = { men: RAISED, women: RAISED };
  return draftFrom('lump-sum.json', data);
}

const approvedFen = (d: Decision) => (d.outcome === 'approve' ? Number(toFen(d.amount!)) : 0);
const decideWith = (caseFile: CaseFile, params: Parameters) => {
  const parsed = parseCaseFile(caseFile, params);
  if (!parsed.ok) throw new Error(parsed.error);
  return decide(parsed.caseFile, params);
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-simulate-'));
  store = await openStore({ dataDir: path.join(dir, 'store') });
  base = { ...defaultParameters, calendar: await loadBureauCalendar(store) };
  const cases = generateCases({ seed: 424242, count: 48 });
  for (const [i, g] of cases.entries()) {
    const at = i % 2 === 0 ? MARCH : JUNE;
    await recordDecision(store, { caseFile: g.caseFile, at }, base);
    recorded.set(g.caseFile.caseId, { caseFile: g.caseFile, date: at.slice(0, 10) });
  }
  // A case decided in March and re-decided in June after a clerk's correction.
  const first = cases[0]!.caseFile;
  corrected = first.caseId;
  const fixed = { ...first, person: { ...first.person, name: `${first.person.name}改` } } as CaseFile;
  await recordDecision(store, { caseFile: fixed, at: JUNE, step: 'corrected', key: 'corrected/1' }, base);
  recorded.set(corrected, { caseFile: fixed, date: JUNE.slice(0, 10) });
  // One decision recorded under other parameters (required months of 10 years), so the base does not reproduce it.
  const ls = cases.find((g) => g.caseFile.type === 'lump-sum' && g.intended.outcome === 'approve')!.caseFile;
  oddOne = `${ls.caseId}-ODD`;
  const other = applyDraft(
    base,
    draftFrom('lump-sum.json', {
      ...structuredClone(lumpSumData),
      versions: lumpSumData.versions.map((v) => ({ ...v, requiredMonths: { men: 120, women: 120 }, requiredLocalMonths: 0 })),
    }),
  );
  const oddFile = { ...ls, caseId: oddOne } as CaseFile;
  await recordDecision(store, { caseFile: oddFile, at: MARCH }, other);
  recorded.set(oddOne, { caseFile: oddFile, date: MARCH.slice(0, 10) });
}, 120_000);

afterAll(async () => {
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('simulateDraft on recorded decisions', () => {
  it('an unchanged draft flips nothing, moves no money; the one decision made under other parameters is reported apart', async () => {
    const result = await simulateDraft(store, { draft: loadDraft('rules/params/reimbursement.json'), base, pageSize: 7 });
    expect(result.cases).toBe(recorded.size);
    expect(result.flipTotal).toBe(0);
    expect(result.money.deltaFen).toBe(0);
    expect(result.affectedTotal).toBe(0);
    expect(result.errors.count).toBe(0);
    expect(result.notReproduced.count).toBe(1);
    expect(result.notReproduced.samples[0]!.caseId).toBe(oddOne);
  });

  it('lowering reimbursement ratios lowers approved amounts by exactly what the rules give case by case', async () => {
    const draft = lowerRatios();
    const result = await simulateDraft(store, { draft, base, pageSize: 5 });
    const draftParams = applyDraft(base, draft);
    let expected = 0;
    let changed = 0;
    for (const { caseFile } of recorded.values()) {
      if (caseFile.type !== 'reimbursement') continue;
      const delta = approvedFen(decideWith(caseFile, draftParams)) - approvedFen(decideWith(caseFile, base));
      expected += delta;
      if (delta !== 0) changed++;
    }
    expect(expected).toBeLessThan(0);
    expect(result.money.deltaFen).toBe(expected);
    expect(result.money.byBusiness.find((m) => m.business === 'reimbursement')!.deltaFen).toBe(expected);
    expect(result.money.byBusiness.filter((m) => m.business !== 'reimbursement').every((m) => m.deltaFen === 0)).toBe(true);
    expect(result.affected.filter((a) => a.approvedDeltaFen !== 0)).toHaveLength(changed);
    for (const a of result.affected) {
      expect(a.type).toBe('reimbursement');
      expect(a.idNumberMasked).not.toBe(recorded.get(a.caseId)!.caseFile.person.idNumber);
      expect(a.idNumberMasked).toMatch(/\*/);
    }
  });

  it('a new version dated after every case decides none of them: zero flips, and the summary says which versions applied', async () => {
    const data = structuredClone(reimbursementData);
    data.versions.push({
      ...structuredClone(data.versions.at(-1)!),
      effectiveFrom: '2099-01-01',
      deductible: { 1: '0.00', 2: '0.00', 3: '0.00' },
    });
    const result = await simulateDraft(store, { draft: draftFrom('reimbursement.json', data), base });
    expect(result.flipTotal).toBe(0);
    expect(result.money.deltaFen).toBe(0);
    const reimbursements = [...recorded.values()].filter((r) => r.caseFile.type === 'reimbursement').length;
    expect(Object.values(result.draftVersions).reduce((a, b) => a + b, 0)).toBe(reimbursements);
    expect(Object.keys(result.draftVersions)).not.toContain('reimbursement@2099-01-01');
  });

  it('a proposal (the file policy propose takes) dated next year is compared, as if in force, with the version it follows', async () => {
    const followed = structuredClone(reimbursementData.versions.at(-1)!);
    const proposal = {
      business: 'reimbursement',
      version: { ...followed, effectiveFrom: '2099-01-01', deductible: { 1: '0.00', 2: '0.00', 3: '0.00' } },
    };
    const draft = draftOf([parseDraftText('proposal.json', JSON.stringify(proposal))]);
    expect(draft.parts[0]!.proposed?.effectiveFrom).toBe('2099-01-01');
    const result = await simulateDraft(store, { draft, base });
    const asIfInForce = (version: object) =>
      ({ ...base, reimbursement: { ...base.reimbursement, versions: [{ ...version, effectiveFrom: '1900-01-01' }] } }) as Parameters;
    let expected = 0;
    for (const { caseFile } of recorded.values()) {
      if (caseFile.type !== 'reimbursement') continue;
      expected +=
        approvedFen(decideWith(caseFile, asIfInForce(proposal.version))) - approvedFen(decideWith(caseFile, asIfInForce(followed)));
    }
    // No deductible pays more on every case that had one to pay.
    expect(expected).toBeGreaterThan(0);
    expect(result.money.deltaFen).toBe(expected);
    const reimbursements = [...recorded.values()].filter((r) => r.caseFile.type === 'reimbursement').length;
    expect(result.draftVersions).toEqual({ 'reimbursement@2099-01-01（视同现行）': reimbursements });
    // Whether the parameters in force reproduce the record is still asked of them by each case's date.
    expect(result.notReproduced.count).toBe(1);
  });

  it('lowering the 2025 reimbursement ratios flips the large claims (RB-13) that fall under the large-payable line, exactly as the rules say', async () => {
    const own = await openStore({ dataDir: path.join(dir, 'store-2025') });
    try {
      const large = generateCases({ seed: 2025, count: 300, types: ['reimbursement'] }).filter((g) => g.intended.reasons.includes('RB-13'));
      for (const g of large) await recordDecision(own, { caseFile: g.caseFile, at: JUNE }, base);
      const data = structuredClone(reimbursementData);
      const in2025 = versionInForce(data.versions, '2025-06-30')!;
      const half = '0.50';
      in2025.inpatientRatio = { employeeInService: { 1: half, 2: half, 3: half }, employeeRetired: half, resident: half };
      in2025.outpatientRatio = { employee: half, resident: half };
      const draft = draftFrom('reimbursement.json', data);
      const draftParams = applyDraft(base, draft);
      const expected = new Map<string, number>();
      for (const g of large) {
        const before = decideWith(g.caseFile, base).outcome;
        const after = decideWith(g.caseFile, draftParams).outcome;
        if (before !== after) expected.set(`${before}→${after}`, (expected.get(`${before}→${after}`) ?? 0) + 1);
      }
      expect(expected.size, 'the generated large claims include some the lower ratio brings under the line').toBeGreaterThan(0);
      const result = await simulateDraft(own, { draft, base });
      expect(result.cases).toBe(large.length);
      expect(new Map(result.flips.map((f) => [`${f.from}→${f.to}`, f.count]))).toEqual(expected);
      const flips = [...expected.values()].reduce((a, b) => a + b, 0);
      expect(result.rules.find((r) => r.rule === 'RB-13')).toMatchObject({ business: 'reimbursement', flips });
    } finally {
      await own.close();
    }
  });

  it('raising lump-sum required months flips exactly the rejections for having no shortfall (LS-08 alone) that now fall short', async () => {
    const result = await simulateDraft(store, { draft: raiseRequiredMonths(), base });
    const expected = [...recorded.entries()]
      .filter(([, { caseFile }]) => caseFile.type === 'lump-sum')
      .filter(([, { caseFile }]) => {
        const d = decideWith(caseFile, base) as LumpSumDecision;
        const rejectedBy = d.checks.filter((c) => c.result === 'fail' && c.severity === 'reject').map((c) => c.rule);
        return d.outcome === 'reject' && rejectedBy.length === 1 && rejectedBy[0] === 'LS-08' && d.details.cumulativeMonths < RAISED;
      })
      .map(([id]) => id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const flipped = result.affected.filter((a) => a.before.outcome !== a.after.outcome);
    expect(flipped.map((a) => a.caseId).sort()).toEqual(expected);
    expect(flipped.every((a) => a.before.outcome === 'reject' && a.after.outcome !== 'reject' && a.rulesChanged.includes('LS-08'))).toBe(
      true,
    );
    expect(result.rules.find((r) => r.business === 'lump-sum' && r.rule === 'LS-08')!.flips).toBe(expected.length);
    expect(result.flipTotal).toBe(expected.length);
    expect(result.flips.filter((f) => f.business === 'lump-sum').reduce((s, f) => s + f.count, 0)).toBe(expected.length);
  });

  it('takes each case by its latest decision, within the Beijing-date range and business asked for', async () => {
    const draft = lowerRatios();
    const june = await simulateDraft(store, { draft, base, from: '2026-06-01', to: '2026-06-30' });
    const inJune = [...recorded.values()].filter((r) => r.date.startsWith('2026-06'));
    expect(june.cases).toBe(inJune.length);
    expect(june.range).toEqual({ from: '2026-06-01', to: '2026-06-30' });
    const march = await simulateDraft(store, { draft, base, to: '2026-03-31' });
    expect(march.cases).toBe(recorded.size - inJune.length);
    const corrections = await simulateDraft(store, { draft: raiseRequiredMonths(), base, from: '2026-06-15', to: '2026-06-15' });
    expect(corrections.cases).toBe(inJune.length);
    // The corrected case counts in June only, though it was first decided in March (march.cases above leaves it out).
    expect(recorded.get(corrected)!.date).toBe('2026-06-15');
    const onlyTransfer = await simulateDraft(store, { draft, base, type: 'transfer' });
    expect(onlyTransfer.cases).toBe([...recorded.values()].filter((r) => r.caseFile.type === 'transfer').length);
    expect(onlyTransfer.casesByBusiness).toEqual({ transfer: onlyTransfer.cases });
    expect(onlyTransfer.money.deltaFen).toBe(0);
    await expect(simulateDraft(store, { draft, base, from: '2026-02-30' })).rejects.toThrow(/from: expected a date/);
  });

  it('refuses a malformed draft, naming the file and the field', () => {
    const bad = structuredClone(reimbursementData) as unknown as { versions: { inpatientRatio: { resident: string } }[] };
    bad.versions[1]!.inpatientRatio.resident = '0.9x';
    expect(() => parseDraftText('reimbursement.json', JSON.stringify(bad))).toThrow(DraftError);
    expect(() => parseDraftText('reimbursement.json', JSON.stringify(bad))).toThrow(
      /^reimbursement\.json: versions\.1\.inpatientRatio\.resident: /,
    );
    expect(() => parseDraftText('x.json', '{"business":"pension"}')).toThrow(/x\.json: business: expected one of/);
    expect(() => parseDraftText('x.json', '{')).toThrow(/x\.json: not JSON/);
    const folder = path.join(dir, 'bad-draft');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'transfer.json'), JSON.stringify(reimbursementData));
    expect(() => loadDraft(folder)).toThrow(/transfer\.json: business: reimbursement in the file of transfer/);
    expect(() => loadDraft(path.join(dir, 'nothing-here'))).toThrow(/no such file or folder/);
  });
});

describe('policy simulate (CLI)', () => {
  it('a manager gets the summary in Chinese, the workbook and the chart; the run is in the _admin trail; a clerk is refused', async () => {
    await createUser(store, { username: 'mgr', displayName: '经理', role: 'manager', password: 'manager-password-1' });
    await createUser(store, { username: 'clerk', displayName: '经办', role: 'clerk', password: 'clerk-password-1' });
    const draftDir = path.join(dir, 'draft');
    fs.mkdirSync(draftDir);
    fs.writeFileSync(path.join(draftDir, 'lump-sum.json'), JSON.stringify(raiseRequiredMonths().parts[0]!.params));
    const out: string[] = [];
    const err: string[] = [];
    const xlsx = path.join(dir, 'sim.xlsx');
    const code = await runPolicySimulate(
      ['--draft', draftDir, '--from', '2026-01-01', '--to', '2026-12-31', '--out', xlsx, '--as', 'mgr'],
      store,
      { user: undefined, password: 'manager-password-1' },
      (l) => out.push(l),
      (l) => err.push(l),
    );
    expect(err.join('\n')).toContain('sim.png');
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/结论改变（件）：[1-9]/);
    expect(out.join('\n')).toContain('受影响案件');
    expect(fs.readFileSync(path.join(dir, 'sim.png')).subarray(1, 4).toString()).toBe('PNG');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['汇总', '按规则', '受影响案件', '未复现']);
    const trail = await listEvents(store, ADMIN_TRAIL_ID);
    const run = trail.filter((e) => e.step === 'policy-simulated').at(-1)!;
    expect(run.actor).toEqual({ kind: 'user', name: 'mgr' });
    expect(run.inputs).toMatchObject({
      range: { from: '2026-01-01', to: '2026-12-31' },
      draft: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect((run.outcome as { flips: number }).flips).toBeGreaterThan(0);

    const refused: string[] = [];
    const clerkCode = await runPolicySimulate(
      ['--draft', draftDir, '--as', 'clerk'],
      store,
      { user: undefined, password: 'clerk-password-1' },
      () => {},
      (l) => refused.push(l),
    );
    expect(clerkCode).toBe(1);
    expect(refused.join('\n')).toMatch(/clerk is clerk; only a manager, an admin or an auditor/);
    await expect(
      runPolicySimulate(['--draft', draftDir, '--from', '2026-13-01', '--as', 'mgr'], store, { user: undefined, password: 'x' }),
    ).rejects.toThrow(/--from needs a date/);
    await expect(runPolicySimulate(['--draft', draftDir, '--wat'], store, { user: undefined, password: 'x' })).rejects.toThrow(
      /unknown option --wat/,
    );
  });
});

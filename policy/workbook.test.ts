import ExcelJS from 'exceljs';
import { Image } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { generateCases } from '../fixtures/generate';
import { decide, defaultParameters, parseCaseFile } from '../rules';
import { toFen } from '../rules/money';
import reimbursementData from '../rules/params/reimbursement.json' with { type: 'json' };
import { renderSimulationChart } from './chart';
import { applyDraft, draftOf, parseDraftText } from './draft';
import { ImpactTally } from './impact';
import type { SimulationResult } from './simulate';
import { SHEETS, simulationWorkbook } from './workbook';

/** A simulation result built from the rules alone (no store): reimbursement ratios lowered by 0.10. */
function sampleResult(): SimulationResult {
  const data = structuredClone(reimbursementData);
  for (const v of data.versions) {
    v.outpatientRatio.employee = (Number(v.outpatientRatio.employee) - 0.1).toFixed(2);
    v.outpatientRatio.resident = (Number(v.outpatientRatio.resident) - 0.1).toFixed(2);
    v.inpatientRatio.resident = (Number(v.inpatientRatio.resident) - 0.1).toFixed(2);
    v.inpatientRatio.employeeRetired = (Number(v.inpatientRatio.employeeRetired) - 0.1).toFixed(2);
  }
  const draft = draftOf([parseDraftText('reimbursement.json', JSON.stringify(data))]);
  const draftParams = applyDraft(defaultParameters, draft);
  const tally = new ImpactTally();
  for (const { caseFile } of generateCases({ seed: 9, count: 30 })) {
    const parsed = parseCaseFile(caseFile, defaultParameters);
    if (!parsed.ok) throw new Error(parsed.error);
    const base = decide(parsed.caseFile, defaultParameters);
    const after = parsed.caseFile.type === 'reimbursement' ? decide(parsed.caseFile, draftParams) : base;
    tally.add({
      caseId: caseFile.caseId,
      decidedAt: '2026-05-20T03:00:00.000Z',
      person: parsed.caseFile.person,
      recorded: base,
      base,
      draft: after,
    });
  }
  return {
    ...tally.result(),
    draft: { sha256: draft.sha256, parts: draft.parts.map(({ business, file, sha256 }) => ({ business, file, sha256 })) },
    range: { from: '2026-05-01', to: '2026-05-31' },
    type: null,
    scanned: 30,
    elapsedMs: 12,
  };
}

describe('simulation workbook and chart', () => {
  const result = sampleResult();

  it('the chart is a PNG that decodes to the size drawn', async () => {
    const png = await renderSimulationChart(result);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const image = new Image();
    image.src = png;
    expect(image.width).toBe(1200);
    // A row per rule that moved (at least three rows high).
    expect(image.height).toBe(
      120 + 34 * Math.max(3, result.rules.filter((r) => r.flips > 0 || r.changed > 0).length, result.money.byBusiness.length + 1),
    );
    expect(png.length).toBeGreaterThan(5000);
  });

  it('reads back with its sheets, the summary, each affected case with a masked ID number, and the chart embedded', async () => {
    expect(result.affectedTotal).toBeGreaterThan(0);
    expect(result.money.deltaFen).toBeLessThan(0);
    const png = await renderSimulationChart(result);
    const buffer = await simulationWorkbook(result, png, new Date('2026-12-01T02:00:00Z'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual(Object.values(SHEETS));

    const summary = new Map<string, string>();
    wb.getWorksheet(SHEETS.summary)!.eachRow((row) => summary.set(String(row.getCell(1).value), String(row.getCell(2).value)));
    expect(summary.get('模拟时间')).toBe('2026-12-01 10:00:00');
    expect(summary.get('模拟案件数')).toBe('30');
    expect(toFen(summary.get('核准金额变化（元）')!.replace('+', ''))).toBe(BigInt(result.money.deltaFen));
    expect(wb.getWorksheet(SHEETS.summary)!.getImages()).toHaveLength(1);
    expect(wb.model.media?.[0]?.extension).toBe('png');

    const cases = wb.getWorksheet(SHEETS.cases)!;
    expect(cases.rowCount).toBe(result.affected.length + 1);
    const header = (cases.getRow(1).values as unknown[]).map(String);
    const idColumn = header.indexOf('身份证号（已脱敏）');
    const deltaColumn = header.indexOf('核准金额变化（分）');
    result.affected.forEach((a, i) => {
      const row = cases.getRow(i + 2);
      expect(row.getCell(1).value).toBe(a.caseId);
      expect(String(row.getCell(idColumn).value)).toMatch(/^\d{6}\*+\d{3}[\dX]$|\*/);
      expect(String(row.getCell(idColumn).value)).not.toMatch(/^\d{17}[\dX]$/);
      expect(row.getCell(deltaColumn).value).toBe(a.approvedDeltaFen);
    });
    expect(wb.getWorksheet(SHEETS.rules)!.rowCount).toBe(result.rules.length + 1);
  });
});

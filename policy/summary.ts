/**
 * The simulation's summary in the bureau's words, one label and value a row: the CLI prints it,
 * the workbook's 汇总 sheet and the console's table show it.
 */
import { BUSINESS_NAMES } from '../rules';
import { formatFen } from '../rules/money';
import { beijingTime } from '../time/beijing';
import type { SimulationResult } from './simulate';

/** Outcomes as the bureau names them. */
export const OUTCOME_NAMES = { approve: '核准', reject: '不予核准', review: '人工审核' } as const;

/** Fen as 元 with a sign when asked: `+1,234.56`. */
export function yuan(fen: number, signed = false): string {
  const text = formatFen(BigInt(fen));
  return signed && fen > 0 ? `+${text}` : text;
}

/** The summary rows of a simulation run at `at`. */
export function summaryRows(result: SimulationResult, at: Date): [string, string][] {
  const range =
    result.range.from || result.range.to
      ? `${result.range.from ?? '最早'} 至 ${result.range.to ?? '最新'}（北京时间，按最近一次决定）`
      : '全部';
  const rows: [string, string][] = [
    ['模拟时间', beijingTime(at)],
    ['草案', result.draft.parts.map((p) => `${BUSINESS_NAMES[p.business]}（${p.file}）`).join('、')],
    ['草案 sha256', result.draft.sha256],
    [
      '草案适用的参数版本（件）',
      Object.entries(result.draftVersions)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([version, n]) => `${version}：${n}`)
        .join('；') || '无',
    ],
    ['决定日期范围', range],
    ['业务', result.type ? BUSINESS_NAMES[result.type] : '全部'],
    ['模拟案件数', String(result.cases)],
    ...Object.entries(result.casesByBusiness).map(
      ([b, n]) => [`　其中 ${BUSINESS_NAMES[b as keyof typeof BUSINESS_NAMES]}`, String(n)] as [string, string],
    ),
    ['结论改变（件）', String(result.flipTotal)],
    ...result.flips.map(
      (f) => [`　${BUSINESS_NAMES[f.business]} ${OUTCOME_NAMES[f.from]} → ${OUTCOME_NAMES[f.to]}`, String(f.count)] as [string, string],
    ),
    ['结论未变但金额改变（件）', String(result.amountChanged)],
    ['受影响案件（件）', String(result.affectedTotal)],
    ['核准金额：现行（元）', yuan(result.money.approvedBeforeFen)],
    ['核准金额：草案（元）', yuan(result.money.approvedAfterFen)],
    ['核准金额变化（元）', yuan(result.money.deltaFen, true)],
    ...result.money.byBusiness.map((m) => [`　${BUSINESS_NAMES[m.business]}（元）`, yuan(m.deltaFen, true)] as [string, string]),
    [
      '人工审核量：现行 → 草案（件）',
      `${result.reviewLoad.before} → ${result.reviewLoad.after}（${signed(result.reviewLoad.after - result.reviewLoad.before)}）`,
    ],
    ['现行参数未能复现原决定（件，不计入草案影响）', String(result.notReproduced.count)],
    ['无法重新决定（件）', String(result.errors.count)],
    ['耗时（秒）', (result.elapsedMs / 1000).toFixed(1)],
  ];
  return rows;
}

/** A count with its sign: +3, −2, 0. */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}

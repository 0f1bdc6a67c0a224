/** The batch summary PDF: counts by business and outcome, exception rate by rule, SLA of open reviews. */
import { BUSINESS_NAMES, isCaseType } from '../rules/caseTypes';
import { ruleById } from '../rules/catalogue';
import { maskIdNumbersIn } from '../rules/idNumber';
import type { Store } from '../store';
import { batchStats, type BatchStats } from './batchStats';
import { renderTextPdf, type Block } from './pdfDocument';
import { beijingTime } from '../time/beijing';

const ruleName = (id: string): string => ruleById(id)?.title ?? id;
const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;

/** The summary's text blocks (testable without a PDF). */
export function batchSummaryBlocks(s: BatchStats, generatedAt: Date): Block[] {
  const blocks: Block[] = [
    { kind: 'title', text: `批次汇总 ${s.batchId}` },
    { kind: 'paragraph', text: `工作簿：${s.fileName}　提交：${beijingTime(s.submittedAt)}　状态：${s.status}` },
    { kind: 'paragraph', text: `案件 ${s.cases} 件，已处理 ${s.done} 件；无效行 ${s.invalidRows} 行。` },
    { kind: 'heading', text: '按业务与结果' },
  ];
  for (const t of s.byType) {
    blocks.push({
      kind: 'paragraph',
      text: `${isCaseType(t.type) ? BUSINESS_NAMES[t.type] : t.type}：共 ${t.total} 件，完成 ${t.done}；通过 ${t.approve}，不予受理 ${t.reject}，转人工 ${t.review}，失败 ${t.failed}，办理中 ${t.running}`,
    });
  }
  blocks.push({ kind: 'heading', text: '按规则的例外率' });
  if (s.exceptionRates.length === 0) blocks.push({ kind: 'paragraph', text: '无' });
  for (const r of s.exceptionRates)
    blocks.push({ kind: 'paragraph', text: `${r.rule} ${ruleName(r.rule)}：${r.cases} 件（${percent(r.rate)}）` });
  blocks.push({ kind: 'heading', text: '待审核案件时限' });
  blocks.push({
    kind: 'paragraph',
    text: `待审核 ${s.sla.open} 件：按时 ${s.sla['on-time']}，即将到期 ${s.sla['due-soon']}，已超期 ${s.sla.overdue}`,
  });
  blocks.push({ kind: 'heading', text: '处理量（每小时，北京时间）' });
  for (const t of s.throughput) blocks.push({ kind: 'small', text: `${t.hour}  ${t.decided}` });
  blocks.push({ kind: 'small', text: `生成时间 ${beijingTime(generatedAt)}（北京时间）` });
  // A workbook's file name or batch ID may carry a 身份证号 (张三_440402….xlsx): the summary shows it masked.
  return blocks.map((b) => ({ ...b, text: maskIdNumbersIn(b.text) }));
}

/** Renders the summary PDF of a batch; undefined for an unknown batch. Needs the npm package fontkit 2.x. */
export async function renderBatchSummary(store: Store, batchId: string, now = new Date()): Promise<Uint8Array | undefined> {
  const stats = await batchStats(store, batchId, now);
  if (!stats) return undefined;
  return renderTextPdf(batchSummaryBlocks(stats, now), {
    title: maskIdNumbersIn(`批次汇总 ${batchId}`),
    subject: maskIdNumbersIn(batchId),
  });
}

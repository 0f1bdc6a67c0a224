/**
 * The report of one 抽检 sample: how it was drawn (seed, method, candidate digest), each drawn case's
 * verdict, and the disagreement rate with its 95% Wilson interval; as a workbook and as a PDF.
 */
import ExcelJS from 'exceljs';
import { renderTextPdf, type Block } from '../reports/pdfDocument';
import { BUSINESS_NAMES } from '../rules/caseTypes';
import { maskIdNumbersIn } from '../rules/idNumber';
import type { StoredSample } from '../store/auditSamples';
import { beijingTime } from '../time/beijing';
import { percent, wilsonInterval, type Interval } from './sampling';

export interface SampleFigures {
  drawn: number;
  judged: number;
  agreed: number;
  disagreed: number;
  /** Over the judged cases; null before the first verdict. */
  interval: Interval | null;
}

/** The counts of a sample and the interval around its disagreement rate. */
export function sampleFigures(sample: StoredSample): SampleFigures {
  const disagreed = sample.verdicts.filter((v) => v.verdict === 'disagree').length;
  const judged = sample.verdicts.length;
  return { drawn: sample.caseIds.length, judged, agreed: judged - disagreed, disagreed, interval: wilsonInterval(disagreed, judged) };
}

const businessName = (b: string) => (BUSINESS_NAMES as Record<string, string>)[b] ?? b;
const VERDICT_NAMES = { agree: '同意', disagree: '不同意' } as const;

/** The figures in one line of Chinese, e.g. `不同意 1 / 已审 2：50.00%（95% 置信区间 9.45%–90.55%）`. */
function figuresText(f: SampleFigures): string {
  if (!f.interval) return `已抽 ${f.drawn} 件，尚无审计结论`;
  return `已抽 ${f.drawn} 件，已审 ${f.judged} 件，不同意 ${f.disagreed} 件：不同意率 ${percent(f.interval.rate)}（95% 置信区间 ${percent(f.interval.low)}–${percent(f.interval.high)}，Wilson）`;
}

function methodLines(s: StoredSample): [string, string][] {
  return [
    ['样本编号', String(s.sampleId)],
    ['业务', `${businessName(s.business)}（${s.business}）`],
    ['月份（北京时间）', s.month],
    ['总体', '该月规则自动通过且无任何人工操作的案件'],
    ['抽样比例', `${(s.rateBp / 100).toFixed(2)}%，至少 ${s.minSize} 件`],
    ['候选案件数', String(s.candidateCount)],
    ['候选清单摘要（sha256，按案件编号排序，每行一个）', s.candidatesDigest],
    ['随机种子', s.seed],
    ['抽样方法', s.method],
    ['抽样人', s.drawnBy],
    ['抽样时间（北京时间）', beijingTime(s.drawnAt)],
  ];
}

/** The sample report as an xlsx workbook (bytes). */
export async function sampleWorkbook(sample: StoredSample): Promise<Buffer> {
  const f = sampleFigures(sample);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zhishen';
  const summary = wb.addWorksheet('抽检结论');
  for (const [k, v] of methodLines(sample)) summary.addRow([k, v]);
  summary.addRow([]);
  summary.addRow(['已抽件数', f.drawn]);
  summary.addRow(['已审件数', f.judged]);
  summary.addRow(['同意', f.agreed]);
  summary.addRow(['不同意', f.disagreed]);
  summary.addRow(['不同意率', f.interval ? percent(f.interval.rate) : '—']);
  summary.addRow(['95% 置信区间下限（Wilson）', f.interval ? percent(f.interval.low) : '—']);
  summary.addRow(['95% 置信区间上限（Wilson）', f.interval ? percent(f.interval.high) : '—']);
  summary.getColumn(1).width = 44;
  summary.getColumn(2).width = 70;
  const cases = wb.addWorksheet('样本案件');
  cases.columns = [
    { header: '抽取顺序', key: 'order', width: 10 },
    { header: '案件编号', key: 'caseId', width: 22 },
    { header: '审计结论', key: 'verdict', width: 10 },
    { header: '所涉规则', key: 'rule', width: 12 },
    { header: '说明', key: 'note', width: 50 },
    { header: '审计人', key: 'by', width: 14 },
    { header: '时间（北京时间）', key: 'at', width: 22 },
  ];
  cases.getRow(1).font = { bold: true };
  sample.caseIds.forEach((caseId, i) => {
    const v = sample.verdicts.find((x) => x.caseId === caseId);
    cases.addRow({
      order: i + 1,
      caseId,
      verdict: v ? VERDICT_NAMES[v.verdict] : '未审',
      rule: v?.rule ?? '',
      // A report leaves the console: a 身份证号 typed into a note goes masked.
      note: maskIdNumbersIn(v?.note ?? ''),
      by: v?.decidedBy ?? '',
      at: v ? beijingTime(v.decidedAt) : '',
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The sample report as a PDF in the CJK font (bytes). */
export async function samplePdf(sample: StoredSample): Promise<Uint8Array> {
  const f = sampleFigures(sample);
  const title = `抽检报告 第 ${sample.sampleId} 号`;
  const blocks: Block[] = [
    { kind: 'title', text: title },
    { kind: 'paragraph', text: figuresText(f) },
    { kind: 'heading', text: '抽样方法' },
    ...methodLines(sample).map(([k, v]): Block => ({ kind: k.includes('摘要') ? 'small' : 'paragraph', text: `${k}：${v}` })),
    {
      kind: 'small',
      text: '复核方法：取该月候选案件按编号排序，以 sha256(种子:块号) 生成的整数流做部分 Fisher–Yates 洗牌，前 n 个即样本；同一种子与同一候选清单必得同一样本。',
    },
    { kind: 'heading', text: '样本案件' },
  ];
  sample.caseIds.forEach((caseId, i) => {
    const v = sample.verdicts.find((x) => x.caseId === caseId);
    blocks.push({
      kind: 'paragraph',
      text: v
        ? `${i + 1}. ${caseId}  ${VERDICT_NAMES[v.verdict]}${v.rule ? `  规则 ${v.rule}` : ''}${v.note ? `  ${maskIdNumbersIn(v.note)}` : ''}（${v.decidedBy}，${beijingTime(v.decidedAt)}）`
        : `${i + 1}. ${caseId}  未审`,
    });
  });
  return renderTextPdf(blocks, { title, subject: `${sample.business} ${sample.month}` });
}

/**
 * The monthly report as a PDF: the summary in text, a bar chart of the month's closed cases by
 * business and outcome, and the 12-month trend (closed cases as bars, the automation rate as a
 * line), drawn as vectors with pdf-lib in the CJK font the notices use.
 */
import { rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { cjkPdfDocument, wrap } from './pdfDocument';
import { monthTitle, monthlySummaryLines, percent, TREND_MONTHS, type MonthlyReport } from './monthly';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.55, 0.55, 0.55);
const LIGHT = rgb(0.85, 0.85, 0.85);
const COLOURS: Record<'approve' | 'reject' | 'other', RGB> = {
  approve: rgb(0.3, 0.6, 0.35),
  reject: rgb(0.8, 0.35, 0.3),
  other: rgb(0.85, 0.7, 0.25),
};
const OUTCOME_NAMES = { approve: '通过', reject: '不予受理', other: '其他' } as const;
const RATE_COLOUR = rgb(0.2, 0.35, 0.75);

/** Draws top-down on A4 pages, adding a page when one is full. */
class Canvas {
  page: PDFPage;
  y = A4[1] - MARGIN;
  constructor(
    private readonly newPage: () => PDFPage,
    readonly font: PDFFont,
  ) {
    this.page = newPage();
  }
  /** Room for `height` more points on this page, or a fresh page. */
  need(height: number): void {
    if (this.y - height < MARGIN) {
      this.page = this.newPage();
      this.y = A4[1] - MARGIN;
    }
  }
  text(text: string, size: number, gapAfter = 3): void {
    for (const line of wrap(text, this.font, size, A4[0] - 2 * MARGIN)) {
      this.need(size * 1.35);
      this.y -= size * 1.35;
      this.page.drawText(line, { x: MARGIN, y: this.y, size, font: this.font, color: BLACK });
    }
    this.y -= gapAfter;
  }
  label(text: string, x: number, y: number, size: number, color: RGB = BLACK, align: 'left' | 'center' | 'right' = 'left'): void {
    const width = this.font.widthOfTextAtSize(text, size);
    const left = align === 'left' ? x : align === 'center' ? x - width / 2 : x - width;
    this.page.drawText(text, { x: left, y, size, font: this.font, color });
  }
}

/** An axis top for counts: four equal whole-number steps that reach `value`. */
function axisMax(value: number): number {
  return 4 * Math.max(1, Math.ceil(value / 4));
}

/** Grouped bars: per business, one bar per outcome. */
function businessChart(c: Canvas, r: MonthlyReport): void {
  const height = 170;
  c.need(height + 50);
  const top = c.y - 10;
  const bottom = top - height;
  const left = MARGIN + 30;
  const right = A4[0] - MARGIN;
  const outcomes = ['approve', 'reject', 'other'] as const;
  const max = axisMax(Math.max(0, ...r.byBusiness.flatMap((b) => outcomes.map((o) => b[o]))));
  const p = c.page;
  for (let i = 0; i <= 4; i++) {
    const y = bottom + (height * i) / 4;
    p.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.4, color: i === 0 ? BLACK : LIGHT });
    c.label(String(Math.round((max * i) / 4)), left - 4, y - 3, 7, GREY, 'right');
  }
  const groupWidth = (right - left) / Math.max(1, r.byBusiness.length);
  const barWidth = Math.min(28, (groupWidth - 20) / outcomes.length);
  r.byBusiness.forEach((b, g) => {
    const start = left + g * groupWidth + (groupWidth - barWidth * outcomes.length) / 2;
    outcomes.forEach((o, k) => {
      const x = start + k * barWidth;
      const h = (height * b[o]) / max;
      if (h > 0) p.drawRectangle({ x, y: bottom, width: barWidth - 2, height: h, color: COLOURS[o] });
      c.label(String(b[o]), x + (barWidth - 2) / 2, bottom + h + 2, 7, BLACK, 'center');
    });
    c.label(b.name, left + g * groupWidth + groupWidth / 2, bottom - 12, 9, BLACK, 'center');
  });
  let x = left;
  for (const o of outcomes) {
    p.drawRectangle({ x, y: bottom - 30, width: 8, height: 8, color: COLOURS[o] });
    c.label(OUTCOME_NAMES[o], x + 11, bottom - 29, 8);
    x += 70;
  }
  c.y = bottom - 40;
}

/** The trend: closed cases as bars (left axis), automation rate as a line (right axis, 0–100%). */
function trendChart(c: Canvas, r: MonthlyReport): void {
  const height = 170;
  c.need(height + 60);
  const top = c.y - 10;
  const bottom = top - height;
  const left = MARGIN + 30;
  const right = A4[0] - MARGIN - 30;
  const max = axisMax(Math.max(0, ...r.trend.map((t) => t.cases)));
  const p = c.page;
  for (let i = 0; i <= 4; i++) {
    const y = bottom + (height * i) / 4;
    p.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.4, color: i === 0 ? BLACK : LIGHT });
    c.label(String(Math.round((max * i) / 4)), left - 4, y - 3, 7, GREY, 'right');
    c.label(`${25 * i}%`, right + 4, y - 3, 7, RATE_COLOUR);
  }
  const slot = (right - left) / r.trend.length;
  const points: { x: number; y: number }[] = [];
  r.trend.forEach((t, i) => {
    const x = left + i * slot;
    const h = (height * t.cases) / max;
    if (h > 0) p.drawRectangle({ x: x + slot * 0.2, y: bottom, width: slot * 0.6, height: h, color: COLOURS.approve });
    c.label(String(t.cases), x + slot / 2, bottom + h + 2, 6, BLACK, 'center');
    c.label(t.month, x + slot / 2, bottom - 11, 6, BLACK, 'center');
    if (t.automationRate !== null) points.push({ x: x + slot / 2, y: bottom + height * t.automationRate });
  });
  for (let i = 1; i < points.length; i++) p.drawLine({ start: points[i - 1]!, end: points[i]!, thickness: 1.2, color: RATE_COLOUR });
  for (const pt of points) p.drawCircle({ x: pt.x, y: pt.y, size: 2, color: RATE_COLOUR });
  p.drawRectangle({ x: left, y: bottom - 30, width: 8, height: 8, color: COLOURS.approve });
  c.label('办结件数（左轴）', left + 11, bottom - 29, 8);
  p.drawLine({ start: { x: left + 110, y: bottom - 26 }, end: { x: left + 124, y: bottom - 26 }, thickness: 1.2, color: RATE_COLOUR });
  c.label('自动化率（右轴）', left + 128, bottom - 29, 8);
  c.y = bottom - 42;
}

/** The monthly report as PDF bytes. Needs the npm package fontkit 2.x and the CJK font (pdfDocument.ts). */
export async function monthlyPdf(r: MonthlyReport): Promise<Uint8Array> {
  const title = `${monthTitle(r.month)} 管理月报`;
  const { doc, font } = await cjkPdfDocument({ title, subject: `monthly ${r.month}` });
  const c = new Canvas(() => doc.addPage(A4), font);
  const [heading, ...lines] = monthlySummaryLines(r);
  c.text(heading ?? title, 18, 10);
  for (const line of lines.slice(0, 4)) c.text(line, 10.5);
  c.text('本月办结案件：按业务与结果', 13, 2);
  businessChart(c, r);
  c.text(`近 ${TREND_MONTHS} 个月：办结件数与自动化率（本月 ${percent(r.totals.automationRate)}）`, 13, 2);
  trendChart(c, r);
  c.text('明细', 13, 4);
  for (const line of lines.slice(4)) c.text(line, 9, 1.5);
  return doc.save({ useObjectStreams: false });
}

/**
 * The simulation's chart as a PNG: outcome flips per rule (left) and the change in approved
 * amounts per business (right), drawn with @napi-rs/canvas in the CJK font the PDFs use.
 */
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import { setting } from '../config/env';
import { BUSINESS_NAMES } from '../rules';
import { formatFen } from '../rules/money';
import type { SimulationResult } from './simulate';

const WIDTH = 1200;
const ROW = 34;
/** Room beside the longest bar for its value. */
const VALUE_ROOM = 200;
const FONT = 'ZhishenCJK';
const MAX_RULES = 14;

let fontRegistered: boolean | undefined;

/** ZHISHEN_CJK_FONT (Noto Sans CJK by default), registered once; without it the labels fall back to a system face. */
function cjkFont(): string {
  if (fontRegistered === undefined) fontRegistered = GlobalFonts.registerFromPath(setting('ZHISHEN_CJK_FONT'), FONT) !== null;
  return fontRegistered ? FONT : 'sans-serif';
}

/** Renders the chart of a simulation result. */
export async function renderSimulationChart(result: Pick<SimulationResult, 'rules' | 'money' | 'flipTotal' | 'cases'>): Promise<Buffer> {
  const rules = result.rules
    .filter((r) => r.flips > 0 || r.changed > 0)
    .slice(0, MAX_RULES)
    .map((r) => ({ label: `${BUSINESS_NAMES[r.business]} ${r.rule}`, value: r.flips, note: `（规则结果变化 ${r.changed}）` }));
  const money = result.money.byBusiness.map((m) => ({ label: BUSINESS_NAMES[m.business], value: m.deltaFen, note: '' }));
  money.push({ label: '合计', value: result.money.deltaFen, note: '' });
  const height = 120 + ROW * Math.max(3, rules.length, money.length);
  const canvas = createCanvas(WIDTH, height);
  const ctx = canvas.getContext('2d');
  const font = cjkFont();
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, WIDTH, height);
  ctx.fillStyle = '#1f2933';
  ctx.font = `bold 22px ${font}`;
  ctx.fillText(`参数草案影响模拟：${result.cases} 件，结论改变 ${result.flipTotal} 件`, 24, 36);

  drawBars(ctx, font, { x: 24, y: 70, w: 560 }, '各规则导致的结论改变（件）', rules, (v) => String(v));
  drawBars(ctx, font, { x: 620, y: 70, w: 556 }, '核准金额变化（元，草案 − 现行）', money, (v) => formatFen(BigInt(v)));
  return canvas.encode('png');
}

interface Bar {
  label: string;
  value: number;
  note: string;
}

/** Horizontal bars from a zero line; negative values to the left in red, positive to the right in blue. */
function drawBars(
  ctx: SKRSContext2D,
  font: string,
  box: { x: number; y: number; w: number },
  title: string,
  bars: Bar[],
  format: (value: number) => string,
): void {
  ctx.fillStyle = '#1f2933';
  ctx.font = `bold 17px ${font}`;
  ctx.fillText(title, box.x, box.y);
  if (bars.length === 0) {
    ctx.font = `15px ${font}`;
    ctx.fillStyle = '#52606d';
    ctx.fillText('无变化', box.x, box.y + 40);
    return;
  }
  const labelWidth = 150;
  const top = box.y + 20;
  const rowHeight = ROW;
  const max = Math.max(1, ...bars.map((b) => Math.abs(b.value)));
  const hasNegative = bars.some((b) => b.value < 0);
  const hasPositive = bars.some((b) => b.value > 0);
  // Each side keeps room for the value written beyond its longest bar.
  const room = hasNegative && hasPositive ? VALUE_ROOM / 2 : VALUE_ROOM;
  const plotX = box.x + labelWidth + (hasNegative ? room : 0);
  const plotW = box.w - labelWidth - room * (hasNegative && hasPositive ? 2 : 1);
  const zeroX = hasNegative && hasPositive ? plotX + plotW / 2 : hasNegative ? plotX + plotW : plotX;
  const scale = (hasNegative && hasPositive ? plotW / 2 : plotW) / max;
  ctx.strokeStyle = '#9aa5b1';
  ctx.beginPath();
  ctx.moveTo(zeroX, top);
  ctx.lineTo(zeroX, top + rowHeight * bars.length);
  ctx.stroke();
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    ctx.fillStyle = '#1f2933';
    ctx.font = `14px ${font}`;
    ctx.fillText(bar.label, box.x, y + rowHeight * 0.62, labelWidth - 8);
    const length = Math.abs(bar.value) * scale;
    ctx.fillStyle = bar.value < 0 ? '#d64545' : '#2f6fb7';
    const x = bar.value < 0 ? zeroX - length : zeroX;
    ctx.fillRect(x, y + rowHeight * 0.18, Math.max(length, bar.value === 0 ? 0 : 1), rowHeight * 0.64);
    ctx.fillStyle = '#1f2933';
    ctx.font = `13px ${font}`;
    const text = `${format(bar.value)}${bar.note}`;
    const textWidth = ctx.measureText(text).width;
    ctx.fillText(text, bar.value < 0 ? x - textWidth - 4 : x + length + 4, y + rowHeight * 0.62, room - 6);
  });
}

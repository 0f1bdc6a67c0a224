/**
 * The 项目 rows: between the item header (项目 / 项目名称) and the 合计 row, every
 * (category, amount) pair in reading order — one pair per row in 电子票据 tables, one or two on paper
 * with dotted leaders. Each amount takes the category name before it; a 数量 column is skipped.
 */
import type { Row } from '../layout/rows';
import { spanConfidence } from './match';
import type { FieldReading } from './fields';
import { moneyValue } from './values';

interface ReceiptItem {
  category: string;
  amount: string;
}

/** Categories of the national 医疗收费票据 (财政部 医疗收费项目); others are read with less trust. */
const KNOWN_CATEGORIES = new Set([
  '床位费',
  '诊察费',
  '诊查费',
  '检查费',
  '化验费',
  '治疗费',
  '手术费',
  '护理费',
  '卫生材料费',
  '材料费',
  '西药费',
  '中药饮片费',
  '中草药费',
  '中成药费',
  '一般诊疗费',
  '挂号费',
  '其他费',
  '其他',
  '放射费',
  '输血费',
  '输氧费',
  '麻醉费',
  '药事服务费',
  '检验费',
  '诊疗费',
  '医事服务费',
  '特殊材料费',
  '救护车费',
  '其他门急诊收费',
  '其他住院收费',
]);

const AMOUNT = /¥?\d[\d,]*\.\d{2}/g;
const NAME = /[\u4e00-\u9fa5]{2,10}/g;
/** Dotted leaders as recognisers print them. */
const LEADER = /[.…·_\-,:]{2,}/g;

/** Items as read; `namesConfidence` leaves out the amounts, which Σ items = total can confirm. */
export interface ItemsReading extends FieldReading<ReceiptItem[]> {
  namesConfidence: number;
}

/** The items, or unread when no item row is found. */
export function readItems(rows: readonly Row[]): ItemsReading {
  const header = rows.findIndex((row) => /项目/.test(row.text));
  const from = header >= 0 ? header + 1 : rows.findIndex((row) => /交款人|校验码/.test(row.text)) + 1;
  const totalAt = rows.findIndex((row, i) => i >= from && /合计|大写|小写/.test(row.text));
  const to = totalAt >= 0 ? totalAt : rows.length;
  const items: ReceiptItem[] = [];
  let confidence = 1;
  let namesConfidence = 1;
  for (const row of rows.slice(from, to)) {
    // Replacing leaders by a separator keeps every offset, so confidences stay aligned.
    const text = row.text.replace(LEADER, (leader) => '|'.repeat(leader.length));
    let segmentStart = 0;
    for (const amountMatch of text.matchAll(AMOUNT)) {
      const amount = moneyValue(amountMatch[0]);
      const amountAt = amountMatch.index;
      // The name is in the stretch since the previous amount. Stray text can sit there too (a
      // 数量 cell, the words of a seal stamped across the row): a category name wins over it.
      const name = categoryBefore(text.slice(segmentStart, amountAt), segmentStart, row);
      segmentStart = amountAt + amountMatch[0].length;
      if (amount === null || name === null) continue;
      const nameConfidence = spanConfidence(row, name.start, name.start + name.text.length) * categoryTrust(name.text);
      namesConfidence = Math.min(namesConfidence, nameConfidence);
      confidence = Math.min(confidence, nameConfidence, spanConfidence(row, amountAt, segmentStart));
      items.push({ category: name.text, amount });
    }
  }
  return items.length === 0 ? { value: null, confidence: 0, namesConfidence: 0 } : { value: items, confidence, namesConfidence };
}

function categoryBefore(segment: string, offset: number, row: Row): { text: string; start: number } | null {
  const names = [...segment.matchAll(NAME)].map((m) => withoutStrayLead({ text: m[0], start: offset + m.index }, row));
  const category = names.filter((name) => KNOWN_CATEGORIES.has(name.text) || name.text.endsWith('费')).at(-1);
  return category ?? names.at(-1) ?? null;
}

/** Below it, a character just before a category name is more likely a seal's word than part of the name. */
const STRAY_CEILING = 0.6;

/**
 * A known category with one or two unsure characters run onto its front is that category: the words
 * of a 收费专用章 stamped at the cell's edge (人西药费, the 人 of 人民医院 at 0.55). Sure characters
 * are part of the name as printed, whatever it is.
 */
function withoutStrayLead(name: { text: string; start: number }, row: Row): { text: string; start: number } {
  if (KNOWN_CATEGORIES.has(name.text)) return name;
  for (let lead = 1; lead <= 2 && name.text.length - lead >= 2; lead++) {
    const rest = name.text.slice(lead);
    if (KNOWN_CATEGORIES.has(rest) && spanMax(row, name.start, name.start + lead) < STRAY_CEILING)
      return { text: rest, start: name.start + lead };
  }
  return name;
}

function spanMax(row: Row, start: number, end: number): number {
  let max = 0;
  for (let i = start; i < end; i++) max = Math.max(max, row.confidence[i] ?? 0);
  return max;
}

function categoryTrust(category: string): number {
  if (KNOWN_CATEGORIES.has(category)) return 1;
  return category.endsWith('费') ? 0.85 : 0.6;
}

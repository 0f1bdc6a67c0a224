import type { Page } from 'playwright';
import { TechnicalFault } from './errors';

/**
 * A screen read by its address without being shown (`BotSession.readScreen`): what the readers
 * below take from it — for every element with an `id`, its class, its labelled pairs and its grid
 * rows, by the same rules as on a shown page — extracted in the same round trip as the request,
 * and where its 下一页 link leads.
 */
export interface ScreenRead {
  path: string;
  screen: string;
  elements: Record<string, { className: string; pairs: [string, string][]; rows: string[][] }>;
  nextPage: string | null;
}

/** The element `#id` of a screen read by address; undefined when it has none. */
function elementOf(read: ScreenRead, selector: string) {
  if (!selector.startsWith('#')) throw new Error(`a screen read by address is read by #id, not ${selector}`);
  return read.elements[selector.slice(1)];
}

/** What a screen showed where the bot expected something else: the screen changed, or the page is half there. */
const unexpected = (what: string): TechnicalFault => new TechnicalFault('unexpected-screen', `页面内容不符合预期：${what}`);

/**
 * The screen readers below run in the page's own world by one `page.evaluate` each, not through a
 * Locator: the first Locator call on a new document makes Playwright put its selector engine into
 * the document, about 40 ms of Chromium CPU per screen, more than reading the screen itself
 * (docs/bots-performance.md). A selector that matches nothing is the screen not being what the bot
 * expects.
 */

/** The label→value pairs of a label/value table (`<td class="label">姓名：</td><td>…</td>`), read in one round trip. */
export async function readLabelledTable(page: Page, selector: string, read?: ScreenRead): Promise<Map<string, string>> {
  const pairs = read
    ? elementOf(read, selector)?.pairs
    : await page.evaluate((sel) => {
        const el = document.querySelector(sel);
        return el
          ? Array.from(el.querySelectorAll('td.label')).map((label) => [
              (label.textContent ?? '').trim().replace(/[：:]$/, ''),
              (label.nextElementSibling?.textContent ?? '').trim(),
            ])
          : null;
      }, selector);
  if (!pairs) throw unexpected(`缺少 ${selector}`);
  return new Map(pairs as [string, string][]);
}

/** The `class` of the element `selector` finds; null when the page has no such element. */
export async function classOf(page: Page, selector: string, read?: ScreenRead): Promise<string | null> {
  if (read) return elementOf(read, selector)?.className ?? null;
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    return el ? el.className : null;
  }, selector);
}

/** The value under `label`, failing when the screen has no such label. */
export function labelled(pairs: Map<string, string>, label: string): string {
  const value = pairs.get(label);
  if (value === undefined) throw unexpected(`缺少栏目「${label}」`);
  return value;
}

/** The body rows of a grid as cell texts; the placeholder row of an empty grid is no row. */
export async function readGrid(page: Page, selector: string, read?: ScreenRead): Promise<string[][]> {
  const rows = read
    ? elementOf(read, selector)?.rows
    : await page.evaluate((sel) => {
        const el = document.querySelector(sel);
        return el
          ? Array.from(el.querySelectorAll('tr'))
              .filter((tr) => tr.querySelector('td') !== null && tr.querySelector('td.empty') === null)
              .map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim()))
          : null;
      }, selector);
  if (!rows) throw unexpected(`缺少 ${selector}`);
  return rows;
}

/** A coded value from the word the screen shows. */
export function decode<T>(words: Readonly<Record<string, T>>, word: string, what: string): T {
  if (!Object.prototype.hasOwnProperty.call(words, word)) throw unexpected(`${what}「${word}」不是已知取值`);
  return words[word] as T;
}

/** Money as printed (`8,857.58`, `¥1,000.00`) to a money string (`8857.58`). */
export function parseScreenMoney(text: string, what: string): string {
  const plain = text.replace(/[,¥\s]/g, '');
  if (!/^\d+\.\d{2}$/.test(plain)) throw unexpected(`${what}「${text}」不是金额`);
  return plain.replace(/^0+(?=\d)/, '');
}

/** A month as printed (`201804`) to `2018-04`. */
export function parseScreenMonth(text: string, what: string): string {
  const m = /^(\d{4})-?(\d{2})$/.exec(text);
  if (!m) throw unexpected(`${what}「${text}」不是年月`);
  return `${m[1]}-${m[2]}`;
}

/** A date as printed (`2024-11-18`). */
export function parseScreenDate(text: string, what: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw unexpected(`${what}「${text}」不是日期`);
  return text;
}

/** A whole number of months or years. */
export function parseScreenInt(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw unexpected(`${what}「${text}」不是整数`);
  return Number(text);
}

/** `—` (or empty) means the system holds nothing there. */
export const isBlank = (text: string): boolean => text === '—' || text === '';

import type { BotSession } from '../session';
import { parseScreenInt } from '../screenText';

/** The 第 x/y 页 bar under the old system's lists. */
export class Pager {
  constructor(private readonly session: BotSession) {}

  /** Current page and page count, as the bar shows them. */
  async position(): Promise<{ page: number; pageCount: number; total: number }> {
    const page = this.session.page;
    const text = async (sel: string, what: string) => parseScreenInt(((await page.locator(sel).textContent()) ?? '').trim(), what);
    return {
      page: await text('#pageNumber', '页码'),
      pageCount: await text('#pageCount', '总页数'),
      total: await text('#totalCount', '总条数'),
    };
  }

  /** Clicks 下一页; false when there is none (it is greyed out on the last page). */
  async goToNextPage(): Promise<boolean> {
    const page = this.session.page;
    // Asked in the page's own world (screenText.ts says why): most lists end on their first page.
    const hasNext = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.pager a')).some((a) => (a.textContent ?? '').includes('下一页')),
    );
    if (!hasNext) return false;
    const next = page.locator('.pager a', { hasText: '下一页' });
    await this.session.navigate(() => next.click());
    return true;
  }
}

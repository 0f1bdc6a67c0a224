import type { BotSession } from '../session';
import { TechnicalFault } from '../errors';
import { readGrid } from '../screenText';
import { Pager } from './Pager';

export interface ClaimedInvoiceRow {
  code: string;
  number: string;
}

/** 已报销票据查询: invoices the bureau has already reimbursed, a page at a time. */
export class InvoiceLookupPage {
  private readonly pager: Pager;

  constructor(private readonly session: BotSession) {
    this.pager = new Pager(session);
  }

  /** Opens the lookup screen. */
  async open(): Promise<void> {
    await this.session.open('/invoice/lookup');
    await this.session.expectScreen('invoice-lookup');
  }

  /** Fills 票据代码 and 票据号码 (blank = any) and clicks 查询. */
  async search(filter: { code?: string; number?: string } = {}): Promise<void> {
    const page = this.session.page;
    await page.locator('#invoiceCode').fill(filter.code ?? '');
    await page.locator('#invoiceNumber').fill(filter.number ?? '');
    await this.session.navigate(() => page.getByRole('button', { name: '查询' }).click());
    await this.session.expectScreen('invoice-lookup');
  }

  /** The rows of the page shown. */
  async readPage(): Promise<ClaimedInvoiceRow[]> {
    const rows = await readGrid(this.session.page, '#invoiceResult');
    return rows.map(([, code = '', number = '']) => ({ code, number }));
  }

  /**
   * Every invoice of a search (blank = any) read at the query's address without showing it
   * (`BotSession.readScreen`), page after page by the 下一页 link each page shows, in the order listed.
   */
  async readAllAt(filter: { code?: string; number?: string } = {}): Promise<ClaimedInvoiceRow[]> {
    const all: ClaimedInvoiceRow[] = [];
    let next: string | null =
      `/invoice/lookup?code=${encodeURIComponent(filter.code ?? '')}&number=${encodeURIComponent(filter.number ?? '')}`;
    for (let pages = 0; next !== null; pages++) {
      if (pages > 10_000) throw new TechnicalFault('unexpected-screen', '页面内容不符合预期：已报销票据查询翻页不止');
      const read = await this.session.readScreen(next, 'invoice-lookup');
      const rows = await readGrid(this.session.page, '#invoiceResult', read);
      all.push(...rows.map(([, code = '', number = '']) => ({ code, number })));
      next = read.nextPage;
    }
    return all;
  }

  /** Every row of the current search, paging through to the end, in the order listed. */
  async readAllPages(): Promise<ClaimedInvoiceRow[]> {
    const all = await this.readPage();
    while (await this.pager.goToNextPage()) {
      await this.session.expectScreen('invoice-lookup');
      all.push(...(await this.readPage()));
    }
    return all;
  }

  /** Whether one invoice has been reimbursed already. */
  async isClaimed(code: string, number: string): Promise<boolean> {
    await this.search({ code, number });
    return (await this.readPage()).some((r) => r.code === code && r.number === number);
  }
}

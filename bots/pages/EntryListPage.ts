import type { CaseType } from '../../rules/caseTypes';
import type { BotSession } from '../session';
import { decode, parseScreenMoney, readGrid } from '../screenText';
import { BUSINESS_WORDS, OUTCOME_WORDS } from '../screenVocabulary';
import { Pager } from './Pager';

export interface EntryRow {
  entryNumber: string;
  caseId: string;
  type: CaseType;
  /** As listed: the clerk's screen shows it in full; never log it unmasked. */
  idNumber: string;
  name: string;
  outcome: 'approve' | 'reject' | 'review';
  amount: string | null;
  reasons: string[];
  enteredAt: string;
  enteredBy: string;
}

/** 业务受理查询: entries, newest first, searchable by 案件编号, a page at a time. */
export class EntryListPage {
  private readonly pager: Pager;

  constructor(private readonly session: BotSession) {
    this.pager = new Pager(session);
  }

  /** Opens the list. */
  async open(): Promise<void> {
    await this.session.open('/entries');
    await this.session.expectScreen('entry-list');
  }

  /** Types the 案件编号 and clicks 查询 (the system matches any part of it). */
  async searchByCaseId(caseId: string): Promise<void> {
    const page = this.session.page;
    await page.locator('#caseId').fill(caseId);
    await this.session.navigate(() => page.getByRole('button', { name: '查询' }).click());
    await this.session.expectScreen('entry-list');
  }

  /** The rows of the page shown. */
  async readPage(): Promise<EntryRow[]> {
    const rows = await readGrid(this.session.page, '#entryResult');
    return rows.map(
      ([
        entryNumber = '',
        caseId = '',
        type = '',
        idNumber = '',
        name = '',
        outcome = '',
        amount = '',
        reasons = '',
        enteredAt = '',
        enteredBy = '',
      ]) => ({
        entryNumber,
        caseId,
        type: decode(BUSINESS_WORDS, type, '业务类型'),
        idNumber,
        name,
        outcome: decode(OUTCOME_WORDS, outcome, '审核结果'),
        amount: amount === '' ? null : parseScreenMoney(amount, '金额'),
        reasons: reasons === '' ? [] : reasons.split(','),
        enteredAt,
        enteredBy,
      }),
    );
  }

  /**
   * Every entry of exactly this case, oldest first: opens the search's address (what 查询 sends:
   * the form is a GET, so one screen instead of two), then pages through all results, because the
   * search also lists other cases whose number contains this one.
   */
  async findEntriesOfCase(caseId: string): Promise<EntryRow[]> {
    await this.session.open(`/entries?caseId=${encodeURIComponent(caseId)}`);
    await this.session.expectScreen('entry-list');
    const found = new Map<string, EntryRow>();
    for (;;) {
      for (const row of await this.readPage()) if (row.caseId === caseId) found.set(row.entryNumber, row);
      if (!(await this.pager.goToNextPage())) break;
      await this.session.expectScreen('entry-list');
    }
    return [...found.values()].sort((a, b) => a.entryNumber.localeCompare(b.entryNumber));
  }
}

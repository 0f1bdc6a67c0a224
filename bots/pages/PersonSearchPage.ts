import type { BotSession } from '../session';
import { decode, readGrid } from '../screenText';
import { SCHEME_WORDS, SEX_WORDS, WORK_STATUS_WORDS } from '../screenVocabulary';
import { PersonDetailPage } from './PersonDetailPage';

export interface PersonSearchRow {
  idNumber: string;
  name: string;
  sex: 'M' | 'F';
  scheme: 'employee' | 'resident';
  retired: boolean;
}

/** 人员查询: find a person by 身份证号. */
export class PersonSearchPage {
  constructor(private readonly session: BotSession) {}

  /** Opens 人员查询 from the menu's address. */
  async open(): Promise<void> {
    await this.session.open('/person/search');
    await this.session.expectScreen('person-search');
  }

  /** Types the 身份证号, clicks 查询 and reads the result rows (none when the system knows no such person). */
  async searchByIdNumber(idNumber: string): Promise<PersonSearchRow[]> {
    const page = this.session.page;
    await page.locator('#idNumber').fill(idNumber);
    await this.session.navigate(() => page.getByRole('button', { name: '查询' }).click());
    await this.session.expectScreen('person-search');
    const rows = await readGrid(page, '#searchResult');
    return rows.map(([id = '', name = '', sex = '', scheme = '', status = '']) => ({
      idNumber: id,
      name,
      sex: decode(SEX_WORDS, sex, '性别'),
      scheme: decode(SCHEME_WORDS, scheme, '险种'),
      retired: decode(WORK_STATUS_WORDS, status, '人员状态'),
    }));
  }

  /** Clicks 查看 on the row of this 身份证号. */
  async openPersonDetail(idNumber: string): Promise<PersonDetailPage> {
    const row = this.session.page.locator('#searchResult tr', { hasText: idNumber });
    await this.session.navigate(() => row.getByRole('link', { name: '查看' }).click());
    await this.session.expectScreen('person-detail');
    return new PersonDetailPage(this.session);
  }
}

import type { BotSession } from '../session';
import { decode, readGrid } from '../screenText';
import { HOSPITAL_LEVEL_WORDS, YES_NO_WORDS } from '../screenVocabulary';

export interface HospitalInfo {
  code: string;
  name: string;
  level: 1 | 2 | 3;
  designated: boolean;
}

/** 定点医疗机构查询: the hospital registry, by 机构编码. */
export class HospitalLookupPage {
  constructor(private readonly session: BotSession) {}

  /** Opens the lookup screen. */
  async open(): Promise<void> {
    await this.session.open('/hospital/lookup');
    await this.session.expectScreen('hospital-lookup');
  }

  /**
   * Reads the registry entry of a 机构编码; null when the registry has no such code. Reads the query's
   * result at its address (what 查询 sends: the form is a GET) without showing it
   * (`BotSession.readScreen`), so the lookup costs one document and no navigation.
   */
  async lookUpByCode(code: string): Promise<HospitalInfo | null> {
    const doc = await this.session.readScreen(`/hospital/lookup?code=${encodeURIComponent(code)}`, 'hospital-lookup');
    const rows = await readGrid(this.session.page, '#hospitalResult', doc);
    const row = rows.find(([c]) => c === code);
    if (!row) return null;
    const [, name = '', level = '', designated = ''] = row;
    return {
      code,
      name,
      level: decode(HOSPITAL_LEVEL_WORDS, level, '医院等级'),
      designated: decode(YES_NO_WORDS, designated, '是否定点'),
    };
  }
}

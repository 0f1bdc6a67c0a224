import { EntryFormPage, type CommonEntryFields } from './EntryFormPage';

export interface LumpSumEntryFields extends CommonEntryFields {
  /** 趸缴金额; null (left blank) when nothing is due. */
  amount: string | null;
}

/** 趸缴核定: the lump sum decided for a retiree short of contribution years. */
export class LumpSumEntryPage extends EntryFormPage {
  protected readonly path = '/entry/lump-sum';
  protected readonly screenName = 'entry-lump-sum';

  /** Types the 核定 as decided. */
  async fillIn(fields: LumpSumEntryFields): Promise<void> {
    const { head, tail } = this.commonFields(fields);
    await this.fillFields([...head, { field: 'amount', value: fields.amount ?? '' }, ...tail]);
  }
}

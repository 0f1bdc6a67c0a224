import { EntryFormPage, type CommonEntryFields } from './EntryFormPage';

export interface TransferEntryFields extends CommonEntryFields {
  /** 待遇享受起始年月 (`2024-11`). */
  benefitStartMonth?: string;
  waitingMonths?: number;
  mergedMonths?: number;
  /** 办结时限 (`2024-11-25`). */
  dueDate?: string;
}

/** 转移接续转入: the transfer-in of an insurance relationship, with the months it brings. */
export class TransferEntryPage extends EntryFormPage {
  protected readonly path = '/entry/transfer';
  protected readonly screenName = 'entry-transfer';

  /** Types the 办理结果 as decided; the form wants months as YYYYMM. */
  async fillIn(fields: TransferEntryFields): Promise<void> {
    const { head, tail } = this.commonFields(fields);
    await this.fillFields([
      ...head,
      { field: 'benefitStartMonth', value: fields.benefitStartMonth?.replace('-', '') ?? '' },
      { field: 'waitingMonths', value: fields.waitingMonths === undefined ? '' : String(fields.waitingMonths) },
      { field: 'mergedMonths', value: fields.mergedMonths === undefined ? '' : String(fields.mergedMonths) },
      { field: 'dueDate', value: fields.dueDate ?? '' },
      ...tail,
    ]);
  }
}

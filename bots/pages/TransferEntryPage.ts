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
    await this.fillCommon(fields);
    await this.fillText('benefitStartMonth', fields.benefitStartMonth?.replace('-', '') ?? '');
    await this.fillText('waitingMonths', fields.waitingMonths === undefined ? '' : String(fields.waitingMonths));
    await this.fillText('mergedMonths', fields.mergedMonths === undefined ? '' : String(fields.mergedMonths));
    await this.fillText('dueDate', fields.dueDate ?? '');
  }
}

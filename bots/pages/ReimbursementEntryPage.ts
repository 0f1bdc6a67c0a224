import { EntryFormPage, type CommonEntryFields } from './EntryFormPage';

export interface ReimbursementEntryFields extends CommonEntryFields {
  /** 基金支付金额; null (blank) for a rejection. */
  amount: string | null;
  hospitalCode?: string;
}

/** 零星报销登记: an out-of-pocket claim and the fund's payment. */
export class ReimbursementEntryPage extends EntryFormPage {
  protected readonly path = '/entry/reimbursement';
  protected readonly screenName = 'entry-reimbursement';

  /** Types the 审核结果 as decided. */
  async fillIn(fields: ReimbursementEntryFields): Promise<void> {
    const { head, tail } = this.commonFields(fields);
    await this.fillFields([
      ...head,
      { field: 'hospitalCode', value: fields.hospitalCode ?? '' },
      { field: 'amount', value: fields.amount ?? '' },
      ...tail,
    ]);
  }
}

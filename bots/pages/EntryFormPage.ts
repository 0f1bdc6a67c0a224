import { BusinessFault, TechnicalFault } from '../errors';
import type { BotSession } from '../session';
import { labelled, readLabelledTable } from '../screenText';
import { OUTCOME_OPTION_LABELS } from '../screenVocabulary';

type Outcome = keyof typeof OUTCOME_OPTION_LABELS;

/**
 * Asked right before the click that sends an entry; throws when the bot has lost the right to
 * enter the case (a stalled attempt that another one took over), and nothing is sent.
 */
export type SubmitGuard = () => Promise<void>;
const allowSubmit: SubmitGuard = async () => undefined;

/** What the 业务受理成功 screen shows. */
export interface EntryConfirmation {
  entryNumber: string;
  caseId: string;
}

/** The fields every entry form has. */
export interface CommonEntryFields {
  caseId: string;
  idNumber: string;
  outcome: Outcome;
  reasons: string[];
  remark?: string;
}

/** Why the core system refuses an entry, by the words of its message. */
function refusal(message: string): BusinessFault {
  if (message.includes('未找到')) return new BusinessFault('SYS-PERSON-NOT-FOUND', `核心系统拒绝登记：${message}`);
  if (message.includes('锁定')) return new BusinessFault('SYS-RECORD-LOCKED', `核心系统拒绝登记：${message}`);
  return new BusinessFault('SYS-ENTRY-REFUSED', `核心系统拒绝登记：${message}`);
}

/**
 * What the three entry screens share: open, fill in, 提交 and 确定 in the confirmation dialog, read
 * the 受理号. The business screens add their own fields.
 */
export abstract class EntryFormPage {
  protected abstract readonly path: string;
  protected abstract readonly screenName: string;

  constructor(protected readonly session: BotSession) {}

  /** Opens the empty form. */
  async open(): Promise<void> {
    await this.session.open(this.path);
    await this.session.expectScreen(this.screenName);
  }

  /** Types the fields every form has. */
  protected async fillCommon(fields: CommonEntryFields): Promise<void> {
    await this.fillText('caseId', fields.caseId);
    await this.fillText('idNumber', fields.idNumber);
    await this.session.page.locator('#outcome').selectOption({ label: OUTCOME_OPTION_LABELS[fields.outcome] });
    await this.fillText('reasons', fields.reasons.join(','));
    await this.fillText('remark', fields.remark ?? '');
  }

  protected async fillText(field: string, value: string): Promise<void> {
    await this.session.page.locator(`#${field}`).fill(value);
  }

  /** Clicks 提交; true when the system asks 确认提交？ in its dialog (the entry is not sent yet). */
  async clickSubmit(): Promise<boolean> {
    const page = this.session.page;
    await page.getByRole('button', { name: '提交', exact: true }).click();
    // The dialog is opened by the click handler itself, so it is visible by the time the click returns.
    return page.getByRole('dialog', { name: '系统确认' }).isVisible();
  }

  /** Clicks 确定 in the confirmation dialog, which sends the entry. */
  async confirmDialog(): Promise<void> {
    await this.session.page.getByRole('dialog', { name: '系统确认' }).getByRole('button', { name: '确定' }).click();
  }

  /**
   * 提交, 确定 when asked, and the 受理号 from the confirmation screen. The form coming back with
   * a message is the system refusing the entry (a business fault). `mayStillSubmit` runs right
   * before each click that may send the entry (提交 when the system asks nothing, then 确定) and
   * throws to stop it.
   */
  async submit(mayStillSubmit: SubmitGuard = allowSubmit): Promise<EntryConfirmation> {
    await mayStillSubmit();
    await this.session.navigate(async () => {
      if (await this.clickSubmit()) {
        await mayStillSubmit();
        await this.confirmDialog();
      }
    });
    const screen = await this.session.screen();
    if (screen === this.screenName) {
      const message = (
        (await this.session.page
          .locator('#errorMessage')
          .textContent()
          .catch(() => null)) ?? ''
      ).trim();
      throw refusal(message || '提交后页面未给出受理号');
    }
    if (screen !== 'entry-saved') throw new TechnicalFault('unexpected-screen', `提交后到达未知页面 ${screen}`);
    const saved = await readLabelledTable(this.session.page.locator('#entrySaved'));
    return { entryNumber: labelled(saved, '受理号'), caseId: labelled(saved, '案件编号') };
  }
}

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

/** One field of an entry form and what goes into it; a choice is given by its label on the screen. */
export interface FieldValue {
  field: string;
  value: string;
  choice?: boolean;
}

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

  /** The fields every form has, in the screen's order, as typed. */
  protected commonFields(fields: CommonEntryFields): { head: FieldValue[]; tail: FieldValue[] } {
    return {
      head: [
        { field: 'caseId', value: fields.caseId },
        { field: 'idNumber', value: fields.idNumber },
        { field: 'outcome', value: OUTCOME_OPTION_LABELS[fields.outcome], choice: true },
      ],
      tail: [
        { field: 'reasons', value: fields.reasons.join(',') },
        { field: 'remark', value: fields.remark ?? '' },
      ],
    };
  }

  /**
   * Fills the fields in one round trip, in order, the way a clerk tabs through them: each field is
   * focused, gets its value (a choice by the label the screen shows), and fires `input` and
   * `change` before it loses focus, so the screen's own handlers run as they do for a clerk. These
   * are the events Playwright's own `fill` and `selectOption` raise (neither types keystrokes);
   * one evaluate instead of a fill per field halves the entry form's cost in Chromium
   * (docs/bots-performance.md). A field that is missing, hidden, disabled or read-only, a choice
   * the list lacks, or a value longer than the field takes fails the step: nothing is guessed.
   */
  protected async fillFields(values: FieldValue[]): Promise<void> {
    const problem = await this.session.page.evaluate((entries) => {
      for (const { field, value, choice } of entries) {
        const el = document.getElementById(field);
        if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement))
          return `缺少栏目 ${field}`;
        const style = getComputedStyle(el);
        if (el.getClientRects().length === 0 || style.visibility === 'hidden') return `栏目 ${field} 不可见`;
        if (el.disabled || (!(el instanceof HTMLSelectElement) && el.readOnly)) return `栏目 ${field} 不可填写`;
        el.focus();
        if (choice) {
          if (!(el instanceof HTMLSelectElement)) return `栏目 ${field} 不是下拉选择`;
          const option = Array.from(el.options).find((o) => o.label.trim() === value);
          if (!option) return `栏目 ${field} 无选项「${value}」`;
          el.value = option.value;
        } else {
          if (el instanceof HTMLSelectElement) return `栏目 ${field} 是下拉选择`;
          if (el.maxLength >= 0 && value.length > el.maxLength) return `栏目 ${field} 最多 ${el.maxLength} 字`;
          el.value = value;
        }
        el.dispatchEvent(
          choice
            ? new Event('input', { bubbles: true, composed: true })
            : new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: value }),
        );
        el.dispatchEvent(new Event('change', { bubbles: true }));
        el.blur();
      }
      return null;
    }, values);
    if (problem) throw new TechnicalFault('unexpected-screen', `页面内容不符合预期：${problem}（${this.session.path()}）`);
  }

  /** Clicks 提交; true when the system asks 确认提交？ in its dialog (the entry is not sent yet). */
  async clickSubmit(): Promise<boolean> {
    await this.clickButton('#entryForm', '提交');
    // The dialog is opened by the click handler itself, so it is shown by the time the click returns.
    // A form the system sends without asking may already be leaving: a document going away asked nothing.
    return this.session.page
      .evaluate(() => {
        const dialog = document.querySelector('[role="dialog"][aria-label="系统确认"]');
        return !!dialog && dialog.getClientRects().length > 0 && getComputedStyle(dialog).visibility !== 'hidden';
      })
      .catch((err: unknown) => {
        if (err instanceof Error && /Execution context was destroyed/.test(err.message)) return false;
        throw err;
      });
  }

  /** Clicks 确定 in the confirmation dialog, which sends the entry. */
  async confirmDialog(): Promise<void> {
    await this.clickButton('[role="dialog"][aria-label="系统确认"]', '确定');
  }

  /**
   * Clicks a button the way a clerk's mouse does — moves to its middle, presses, releases: the
   * browser's own trusted events — once the page shows it enabled, on screen and not covered there.
   * Found and checked by one evaluate in the page's own world rather than a Locator, whose selector
   * engine (put into every new document) and frame-by-frame waits for the button to hold still cost
   * Chromium more than the click (docs/bots-performance.md).
   */
  private async clickButton(within: string, name: string): Promise<void> {
    const page = this.session.page;
    const at = await page.evaluate(
      ({ within, name }) => {
        const scope = document.querySelector(within);
        const button = Array.from(scope?.querySelectorAll('button, input[type="submit"], input[type="button"]') ?? []).find(
          (b) => (b instanceof HTMLInputElement ? b.value : (b.textContent ?? '')).trim() === name,
        ) as HTMLButtonElement | HTMLInputElement | undefined;
        if (!button) return `缺少按钮「${name}」`;
        if (button.disabled) return `按钮「${name}」不可用`;
        button.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        const box = button.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || getComputedStyle(button).visibility === 'hidden') return `按钮「${name}」不可见`;
        const x = box.left + box.width / 2;
        const y = box.top + box.height / 2;
        const hit = document.elementFromPoint(x, y);
        if (!hit || !button.contains(hit)) return `按钮「${name}」被遮挡`;
        return { x, y };
      },
      { within, name },
    );
    if (typeof at === 'string') throw new TechnicalFault('unexpected-screen', `页面内容不符合预期：${at}（${this.session.path()}）`);
    await page.mouse.click(at.x, at.y);
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
    const saved = await readLabelledTable(this.session.page, '#entrySaved');
    return { entryNumber: labelled(saved, '受理号'), caseId: labelled(saved, '案件编号') };
  }
}

import { html, type SafeHtml } from '../html';
import type { Session } from '../sessions';
import { layout } from './layout';

/** A refusal or failure, said plainly. */
export function errorPage(session: Session | null, title: string, message: string): SafeHtml {
  return layout({ title, session, error: message, body: html`<p><a href="/">返回审核箱</a></p>` });
}

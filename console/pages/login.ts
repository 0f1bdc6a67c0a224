import { html, type SafeHtml } from '../html';
import type { Session } from '../sessions';
import { csrfField, layout } from './layout';

/** The login form; its CSRF token belongs to an anonymous session that login replaces. */
export function loginPage(session: Session, args: { error?: string; username?: string; next?: string } = {}): SafeHtml {
  return layout({
    title: '登录',
    session: null,
    error: args.error,
    body: html`<form class="card login" method="post" action="/login">
  ${csrfField(session)}
  <input type="hidden" name="next" value="${args.next ?? '/'}">
  <label>用户名 <input name="username" autocomplete="username" required value="${args.username ?? ''}"></label>
  <label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">登录</button>
</form>`,
  });
}

import { html, type SafeHtml } from '../html';
import { layout } from './layout';

/** The login form; its CSRF token is the signed double-submit token of loginForm.ts, not a session's. */
export function loginPage(formToken: string, args: { error?: string; username?: string; next?: string } = {}): SafeHtml {
  return layout({
    title: '登录',
    session: null,
    error: args.error,
    body: html`<form class="card login" method="post" action="/login">
      <input type="hidden" name="_csrf" value="${formToken}" />
      <input type="hidden" name="next" value="${args.next ?? '/'}" />
      <label>用户名 <input name="username" autocomplete="username" required value="${args.username ?? ''}" /></label>
      <label>密码 <input name="password" type="password" autocomplete="current-password" required /></label>
      <button type="submit">登录</button>
    </form>`,
  });
}

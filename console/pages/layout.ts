import { html, type SafeHtml } from '../html';
import { ROLE_LABELS } from '../labels';
import { can } from '../roles';
import type { Session } from '../sessions';
import { unreadOf } from '../unreadBadge';

/** The hidden field every POST form carries. */
export const csrfField = (session: Session): SafeHtml => html`<input type="hidden" name="_csrf" value="${session.csrfToken}" />`;

/** A message box: success, refusal or warning. */
export const notice = (kind: 'ok' | 'error' | 'warn', text: string): SafeHtml =>
  html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;

/** The frame of every page: title, who is logged in, navigation, the one-time message. */
export function layout(args: { title: string; session: Session | null; body: SafeHtml; error?: string }): SafeHtml {
  const { session, title, body } = args;
  const user = session?.user ?? null;
  const flash = session?.flash ?? null;
  if (session) session.flash = null;
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · 智审</title>
        <link rel="stylesheet" href="/static/console.css" />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">智审 · 人工审核</a>
          ${
            user
              ? html`<nav>
                    ${can(user.role, 'read-cases') ? html`<a href="/">审核箱</a>` : ''}
                    ${['manager', 'supervisor', 'auditor'].includes(user.role) ? html`<a href="/dashboard">批次看板</a>` : ''}
                    ${can(user.role, 'read-audit') ? html`<a href="/audit">审计</a>` : ''}
                    ${can(user.role, 'manage-users') ? html`<a href="/users">用户管理</a>` : ''}
                    <a href="/notifications" class="notifications-link"
                      >通知${unreadOf(session!) > 0 ? html` <span class="badge low unread-count">${unreadOf(session!)}</span>` : ''}</a
                    >
                    ${['manager', 'admin', 'auditor'].includes(user.role) ? html`<a href="/policy/simulate">参数模拟</a>` : ''}
                  </nav>
                  <form class="who" method="post" action="/logout">
                    ${csrfField(session!)}
                    <span class="user" data-username="${user.username}">${user.displayName}（${ROLE_LABELS[user.role]}）</span>
                    <button type="submit">退出</button>
                  </form>`
              : ''
          }
        </header>
        <main>
          <h1>${title}</h1>
          ${flash ? notice(flash.kind, flash.text) : ''} ${args.error ? notice('error', args.error) : ''} ${body}
        </main>
      </body>
    </html>`;
}

import type { User } from '../../store';
import { html, type SafeHtml } from '../html';
import { ROLE_LABELS } from '../labels';
import type { Session } from '../sessions';
import { csrfField, layout } from './layout';

/** One account with what an admin may do to it: disable or enable it, give it a new password, set where its mail goes. */
function userRow(session: Session, u: User, email: string | null): SafeHtml {
  const path = `/users/${encodeURIComponent(u.username)}`;
  const self = u.username === session.user.username;
  return html`<tr data-username="${u.username}">
    <td>${u.username}</td>
    <td>${u.displayName}</td>
    <td>${ROLE_LABELS[u.role]}</td>
    <td class="status">${u.disabled ? '停用' : '启用'}</td>
    <td class="actions">
      ${
        self
          ? ''
          : html`<form method="post" action="${path}/${u.disabled ? 'enable' : 'disable'}" class="inline">
              ${csrfField(session)}<button type="submit">${u.disabled ? '启用' : '停用'}</button>
            </form>`
      }
      <form method="post" action="${path}/email" class="inline email">
        ${csrfField(session)}
        <label>邮箱 <input name="email" type="email" value="${email ?? ''}" maxlength="254" autocomplete="off" /></label>
        <button type="submit">保存邮箱</button>
      </form>
      <form method="post" action="${path}/reset-password" class="inline reset">
        ${csrfField(session)}
        <label>新密码 <input name="password" type="password" required minlength="10" autocomplete="new-password" /></label>
        <button type="submit">重置密码</button>
      </form>
    </td>
  </tr>`;
}

/** Users and the form to add one (administrators only); an address in `emails` is where a user's notifications are mailed. */
export function usersPage(
  session: Session,
  users: User[],
  emails: ReadonlyMap<string, string | null>,
  args: { error?: string; draft?: { username?: string; displayName?: string; role?: string } } = {},
): SafeHtml {
  const draft = args.draft ?? {};
  return layout({
    title: '用户管理',
    session,
    error: args.error,
    body: html`<table class="users" id="users">
        <thead>
          <tr>
            <th>用户名</th>
            <th>姓名</th>
            <th>角色</th>
            <th>状态</th>
            <th>操作</th>
          </tr>
        </thead>
        <tbody>
          ${users.map((u) => userRow(session, u, emails.get(u.username) ?? null))}
        </tbody>
      </table>
      <form method="post" action="/users" id="new-user" class="card stacked">
        ${csrfField(session)}
        <h2>新增用户</h2>
        <label
          >用户名 <input name="username" required pattern="[a-z0-9_.\\-]{2,40}" value="${draft.username ?? ''}" autocomplete="off"
        /></label>
        <label>姓名 <input name="displayName" required value="${draft.displayName ?? ''}" autocomplete="off" /></label>
        <label
          >角色
          <select name="role">
            ${Object.entries(ROLE_LABELS).map(([v, t]) => html`<option value="${v}" ${v === draft.role ? html` selected` : ''}>${t}</option>`)}
          </select></label
        >
        <label>初始密码（至少 10 位） <input name="password" type="password" required minlength="10" autocomplete="new-password" /></label>
        <button type="submit">新增</button>
      </form>`,
  });
}

import type { InboxNotification } from '../../store/notificationInbox';
import { beijingMinute } from '../../time/beijing';
import { html, type SafeHtml } from '../html';
import type { Session } from '../sessions';
import { csrfField, layout } from './layout';

/** Only the console's own paths become links: a stored link is never an address elsewhere. */
const localPath = (link: string | null) => (link && /^\/[A-Za-z0-9/_%.-]*$/.test(link) && !link.startsWith('//') ? link : null);

function entry(session: Session, n: InboxNotification): SafeHtml {
  const link = localPath(n.link);
  return html`<li class="notification ${n.readAt ? 'read' : 'unread'}" data-id="${n.id}" data-kind="${n.kind}">
    <p>
      <strong>${n.subject}</strong> <small>北京时间 ${beijingMinute(n.createdAt)}</small>
      ${n.readAt ? '' : html`<span class="badge low">未读</span>`}
    </p>
    <pre class="body">${n.body}</pre>
    <p>
      ${link ? html`<a href="${link}">查看</a>` : ''}
      ${
        n.readAt
          ? ''
          : html`<form method="post" action="/notifications/read" class="inline">
              ${csrfField(session)}<input type="hidden" name="id" value="${n.id}" /><button type="submit">标为已读</button>
            </form>`
      }
    </p>
  </li>`;
}

/** The logged-in person's notifications, newest first, with "mark read" on each and on all. */
export function notificationsPage(session: Session, list: InboxNotification[]): SafeHtml {
  const unread = list.filter((n) => !n.readAt).length;
  return layout({
    title: '通知',
    session,
    body: html`${
      unread > 0
        ? html`<form method="post" action="/notifications/read" class="inline">
            ${csrfField(session)}<input type="hidden" name="id" value="all" /><button type="submit">全部标为已读</button>
          </form>`
        : ''
    }
    ${
      list.length === 0
        ? html`<p>暂无通知。</p>`
        : html`<ul class="notifications">
            ${list.map((n) => entry(session, n))}
          </ul>`
    }`,
  });
}

import { listNotifications, markNotificationsRead } from '../store/notificationInbox';
import type { AuthedContext } from './context';
import { HttpError, redirect, sendHtml } from './http';
import { notificationsPage } from './pages/notificationsPage';
import { refreshUnread } from './unreadBadge';

/** GET /notifications: the person's own notifications; everyone logged in has some page of them. */
export async function showNotifications(ctx: AuthedContext): Promise<void> {
  sendHtml(ctx.res, 200, notificationsPage(ctx.session, await listNotifications(ctx.deps.store, ctx.session.user.username)));
}

/** POST /notifications/read (id=N or id=all): marks the person's own notifications read, never another's. */
export async function readNotifications(ctx: AuthedContext, form: URLSearchParams): Promise<void> {
  const id = form.get('id') ?? '';
  if (id !== 'all' && !/^\d{1,18}$/.test(id)) throw new HttpError(400, '通知编号无效');
  await markNotificationsRead(ctx.deps.store, ctx.session.user.username, id, ctx.deps.now());
  await refreshUnread(ctx.deps.store, ctx.session);
  redirect(ctx.res, '/notifications');
}

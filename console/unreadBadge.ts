import { unreadNotifications } from '../store/notificationInbox';
import type { Store } from '../store';
import type { Session } from './sessions';

/** Each session's unread count as of its current request: read once per request, shown by the layout. */
const unread = new WeakMap<Session, number>();

/** Reads the session's unread notifications for this request's pages. */
export async function refreshUnread(store: Store, session: Session): Promise<void> {
  unread.set(session, await unreadNotifications(store, session.user.username));
}

/** The unread count the layout shows in the navigation (0 before the first request read it). */
export const unreadOf = (session: Session): number => unread.get(session) ?? 0;

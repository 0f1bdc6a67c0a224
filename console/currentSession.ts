import { getUserStanding } from '../store';
import type { ConsoleDeps } from './context';
import { cookieName, SESSION_COOKIE, type Session } from './sessions';

/**
 * The request's session, checked against the store on every request: a user who was disabled,
 * deleted or had their password reset (the store's session epoch rose) is logged out at once, in
 * every console process; a changed role or name counts from this request on.
 */
export async function currentSession(deps: ConsoleDeps, cookies: Map<string, string>): Promise<Session | undefined> {
  const session = deps.sessions.get(cookies.get(cookieName(SESSION_COOKIE, deps.secureCookies)));
  if (!session) return undefined;
  const user = await getUserStanding(deps.store, session.user.username);
  if (!user || user.disabled || user.sessionEpoch !== session.user.epoch) {
    deps.sessions.destroy(session.id);
    deps.logger.info(
      `console: session of ${session.user.username} ended: ${!user ? 'no such user' : user.disabled ? 'user disabled' : 'password reset or account changed'}`,
    );
    return undefined;
  }
  session.user.role = user.role;
  session.user.displayName = user.displayName;
  return session;
}

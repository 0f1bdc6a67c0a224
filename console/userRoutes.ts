import { z } from 'zod';
import { createUser, listUsers, NewUser } from '../store';
import type { AuthedContext } from './context';
import { HttpError, redirect, sendHtml } from './http';
import { usersPage } from './pages/usersPage';
import { can } from './roles';

function requireAdmin(ctx: AuthedContext): void {
  if (!can(ctx.session.user.role, 'manage-users')) throw new HttpError(403, '只有系统管理员可以管理用户');
}

/** GET /users */
export async function showUsers(ctx: AuthedContext): Promise<void> {
  requireAdmin(ctx);
  sendHtml(ctx.res, 200, usersPage(ctx.session, await listUsers(ctx.deps.store)));
}

/** POST /users: a new user with a hashed password; the password itself is never logged or echoed. */
export async function addUser(ctx: AuthedContext, form: URLSearchParams): Promise<void> {
  requireAdmin(ctx);
  const draft = { username: (form.get('username') ?? '').trim(), displayName: (form.get('displayName') ?? '').trim(), role: form.get('role') ?? '' };
  const parsed = NewUser.safeParse({ ...draft, password: form.get('password') ?? '' });
  const fail = async (message: string) => sendHtml(ctx.res, 400, usersPage(ctx.session, await listUsers(ctx.deps.store), { error: message, draft }));
  if (!parsed.success) return fail(z.prettifyError(parsed.error));
  try {
    await createUser(ctx.deps.store, parsed.data);
  } catch (err) {
    return fail(`无法新增用户：${(err as Error).message}`);
  }
  ctx.deps.logger.info(`console: ${ctx.session.user.username} added user ${parsed.data.username} (${parsed.data.role})`);
  ctx.session.flash = { kind: 'ok', text: `已新增用户 ${parsed.data.username}` };
  redirect(ctx.res, '/users');
}

import { z } from 'zod';
import { addUserAsAdmin, listUsers, NewUser, Password, resetPasswordAsAdmin, setDisabledAsAdmin, type AdminActor } from '../store';
import { EmailAddress, emailsByUser, setEmailAsAdmin } from '../store/userEmail';
import type { AuthedContext } from './context';
import { HttpError, redirect, sendHtml } from './http';
import { usersPage } from './pages/usersPage';
import { can } from './roles';

function requireAdmin(ctx: AuthedContext): void {
  if (!can(ctx.session.user.role, 'manage-users')) throw new HttpError(403, '只有系统管理员可以管理用户');
}

/** The actor of an admin act: the logged-in admin of this session (re-checked this request), never a form field. */
const actorOf = (ctx: AuthedContext): AdminActor => ({ actor: { kind: 'user', name: ctx.session.user.username }, via: 'console' });

/** The 用户管理 page as the store has it now. */
async function usersPageOf(ctx: AuthedContext, args?: Parameters<typeof usersPage>[3]) {
  const { store } = ctx.deps;
  return usersPage(ctx.session, await listUsers(store), await emailsByUser(store), args);
}

/** GET /users */
export async function showUsers(ctx: AuthedContext): Promise<void> {
  requireAdmin(ctx);
  sendHtml(ctx.res, 200, await usersPageOf(ctx));
}

/** POST /users: a new user with a hashed password; the password itself is never logged or echoed. */
export async function addUser(ctx: AuthedContext, form: URLSearchParams): Promise<void> {
  requireAdmin(ctx);
  const draft = {
    username: (form.get('username') ?? '').trim(),
    displayName: (form.get('displayName') ?? '').trim(),
    role: form.get('role') ?? '',
  };
  const parsed = NewUser.safeParse({ ...draft, password: form.get('password') ?? '' });
  const fail = async (message: string) => sendHtml(ctx.res, 400, await usersPageOf(ctx, { error: message, draft }));
  if (!parsed.success) return fail(z.prettifyError(parsed.error));
  try {
    await addUserAsAdmin(ctx.deps.store, actorOf(ctx), parsed.data);
  } catch (err) {
    return fail(`无法新增用户：${(err as Error).message}`);
  }
  ctx.deps.logger.info(`console: ${ctx.session.user.username} added user ${parsed.data.username} (${parsed.data.role})`);
  ctx.session.flash = { kind: 'ok', text: `已新增用户 ${parsed.data.username}` };
  redirect(ctx.res, '/users');
}

export type AdminAct = 'disable' | 'enable' | 'reset-password';

/**
 * POST /users/:username/disable | enable | reset-password. Each ends the user's sessions (the
 * store's session epoch rises) and is written to the `_admin` audit trail with the admin's name.
 */
export async function adminAct(ctx: AuthedContext, username: string, act: AdminAct, form: URLSearchParams): Promise<void> {
  requireAdmin(ctx);
  const { store, logger } = ctx.deps;
  const admin = ctx.session.user.username;
  const refuse = async (status: number, message: string) => sendHtml(ctx.res, status, await usersPageOf(ctx, { error: message }));
  if (act === 'disable' && username === admin) return refuse(409, '不能停用自己的账户（请由另一位系统管理员操作）');
  let done;
  if (act === 'reset-password') {
    const password = Password.safeParse(form.get('password') ?? '');
    if (!password.success) return refuse(400, `无法重置 ${username} 的密码：新密码至少 10 位`);
    done = await resetPasswordAsAdmin(store, actorOf(ctx), username, password.data);
  } else {
    done = await setDisabledAsAdmin(store, actorOf(ctx), username, act === 'disable');
  }
  if (!done) return refuse(404, `没有用户 ${username}`);
  const said = { disable: '已停用', enable: '已启用', 'reset-password': '已重置密码：' }[act];
  logger.info(`console: ${admin} did ${act} on user ${username}; their sessions are ended`);
  ctx.session.flash = { kind: 'ok', text: `${said}${act === 'reset-password' ? '' : '用户 '}${username}，其已登录的会话均已失效` };
  redirect(ctx.res, '/users');
}

/**
 * POST /users/:username/email: where the user's notifications are mailed; an empty field clears it.
 * Written to the `_admin` audit trail with the admin's name (whether an address is set, not which).
 */
export async function setUserEmail(ctx: AuthedContext, username: string, form: URLSearchParams): Promise<void> {
  requireAdmin(ctx);
  const typed = (form.get('email') ?? '').trim();
  const address = typed === '' ? null : EmailAddress.safeParse(typed);
  if (address !== null && !address.success) {
    return sendHtml(
      ctx.res,
      400,
      await usersPageOf(ctx, { error: `无法设置 ${username} 的邮箱：${typed} 不是一个邮箱地址（如 name@bureau.example）` }),
    );
  }
  if (!(await setEmailAsAdmin(ctx.deps.store, actorOf(ctx), username, address?.data ?? null))) {
    return sendHtml(ctx.res, 404, await usersPageOf(ctx, { error: `没有用户 ${username}` }));
  }
  ctx.deps.logger.info(`console: ${ctx.session.user.username} ${address ? 'set' : 'cleared'} the e-mail address of user ${username}`);
  ctx.session.flash = { kind: 'ok', text: address ? `已设置用户 ${username} 的邮箱` : `已清除用户 ${username} 的邮箱` };
  redirect(ctx.res, '/users');
}

/** The console's pieces that keep their state in the store: the login throttle, password hashes, users and sessions. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUsersCommand } from '../cli/users';
import type { ConsoleDeps } from '../console/context';
import { currentSession } from '../console/currentSession';
import { LoginThrottle, throttledMessage } from '../console/rateLimit';
import { SessionStore } from '../console/sessions';
import { createLogger } from '../logging/logger';
import {
  ADMIN_TRAIL_ID,
  authenticate,
  createUser,
  getUserStanding,
  listEvents,
  needsRehash,
  openStore,
  resetPasswordAsAdmin,
  setDisabledAsAdmin,
  verifyChain,
  type Store,
} from '../store';
import { STEP_NAMES } from '../audit/stepNames';

const MINUTE = 60_000;

describe('console door against the store', () => {
  let store: Store;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-door-'));
    store = await openStore({ dataDir });
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const limits = { perPair: 5, perAccount: 10, perAddress: 20, windowMs: 15 * MINUTE };

  it('throttles one account from one address, and lets it in again when the window has passed', async () => {
    let now = Date.parse('2026-12-01T02:00:00Z');
    const throttle = new LoginThrottle(store, limits, () => now);
    for (let i = 0; i < 5; i++) expect(await throttle.admit('pair.user', '192.0.2.1')).toEqual({ admitted: true });
    expect(await throttle.admit('pair.user', '192.0.2.1')).toEqual({ admitted: false, retryAfterMs: 15 * MINUTE, scope: 'pair' });
    // Refused attempts are not counted: hammering does not stretch the lock.
    now += 5 * MINUTE;
    expect(await throttle.admit('pair.user', '192.0.2.1')).toEqual({ admitted: false, retryAfterMs: 10 * MINUTE, scope: 'pair' });
    expect(await throttle.admit('pair.user', '192.0.2.2')).toEqual({ admitted: true });
    now += 10 * MINUTE + 1;
    expect(await throttle.admit('pair.user', '192.0.2.1')).toEqual({ admitted: true });
    expect(throttledMessage(10 * MINUTE, Date.parse('2026-12-01T02:05:00Z'))).toBe(
      '登录失败次数过多，请 10 分钟后（北京时间 10:15 之后）再试',
    );
  });

  it('throttles one account guessed from many addresses, in every console process at once', async () => {
    const now = () => Date.parse('2026-12-01T03:00:00Z');
    const [consoleA, consoleB] = [new LoginThrottle(store, limits, now), new LoginThrottle(store, limits, now)];
    for (let i = 0; i < 10; i++) expect((await (i % 2 ? consoleA : consoleB).admit('spread.user', `198.51.100.${i}`)).admitted).toBe(true);
    expect(await consoleA.admit('spread.user', '198.51.100.200')).toMatchObject({ admitted: false, scope: 'account' });
    expect(await consoleB.admit('spread.user', '203.0.113.7')).toMatchObject({ admitted: false, scope: 'account' });
    expect((await consoleA.admit('other.user', '198.51.100.200')).admitted).toBe(true);
  });

  it('throttles one address spraying a password over many accounts', async () => {
    const throttle = new LoginThrottle(store, limits, () => Date.parse('2026-12-01T04:00:00Z'));
    for (let i = 0; i < 20; i++) expect((await throttle.admit(`victim${i}`, '203.0.113.50')).admitted).toBe(true);
    expect(await throttle.admit('victim99', '203.0.113.50')).toMatchObject({ admitted: false, scope: 'address' });
    expect((await throttle.admit('victim99', '203.0.113.51')).admitted).toBe(true);
  });

  it('counts a burst of parallel guesses: no more than the limit get to the password check', async () => {
    const throttle = new LoginThrottle(store, limits, () => Date.parse('2026-12-01T05:00:00Z'));
    const results = await Promise.all(Array.from({ length: 12 }, () => throttle.admit('burst.user', '192.0.2.77')));
    expect(results.filter((r) => r.admitted).length).toBeLessThanOrEqual(5);
  });

  it('clears the pair at a successful login, but not the account attempts from elsewhere', async () => {
    const throttle = new LoginThrottle(store, limits, () => Date.parse('2026-12-01T06:00:00Z'));
    for (let i = 0; i < 4; i++) await throttle.admit('typo.user', '192.0.2.9');
    for (let i = 0; i < 5; i++) await throttle.admit('typo.user', `203.0.113.${100 + i}`);
    await throttle.succeeded('typo.user', '192.0.2.9');
    for (let i = 0; i < 5; i++) expect((await throttle.admit('typo.user', '192.0.2.9')).admitted).toBe(true);
    expect(await throttle.admit('typo.user', '192.0.2.10')).toMatchObject({ admitted: false, scope: 'account' });
  });

  it('hashes with scrypt N=2^17 and re-hashes a weaker stored hash at the next login', async () => {
    await createUser(store, { username: 'old.hash', displayName: '旧哈希', role: 'clerk', password: 'legacy password 1' });
    const fresh = (await store.db.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'old.hash'`))[0]!
      .password_hash;
    expect(fresh).toMatch(/^scrypt\$131072\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(needsRehash(fresh)).toBe(false);
    // The hash as the console made it before: N=2^14.
    const salt = crypto.randomBytes(16);
    const weak = `scrypt$16384$8$1$${salt.toString('hex')}$${crypto.scryptSync('legacy password 1', salt, 32, { N: 16384, r: 8, p: 1 }).toString('hex')}`;
    expect(needsRehash(weak)).toBe(true);
    await store.db.query(`UPDATE users SET password_hash = $1 WHERE username = 'old.hash'`, [weak]);
    expect(await authenticate(store, 'old.hash', 'wrong password 1')).toBeUndefined();
    expect(
      (await store.db.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'old.hash'`))[0]!.password_hash,
    ).toBe(weak);
    expect(await authenticate(store, 'old.hash', 'legacy password 1')).toMatchObject({ username: 'old.hash' });
    const rehashed = (await store.db.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'old.hash'`))[0]!
      .password_hash;
    expect(rehashed).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(rehashed).not.toContain(salt.toString('hex'));
    expect(await authenticate(store, 'old.hash', 'legacy password 1')).toMatchObject({ username: 'old.hash' });
    // A hash with absurd parameters is refused, never computed.
    await store.db.query(`UPDATE users SET password_hash = $1 WHERE username = 'old.hash'`, [
      `scrypt$${2 ** 24}$8$1$${salt.toString('hex')}$${'00'.repeat(32)}`,
    ]);
    expect(await authenticate(store, 'old.hash', 'legacy password 1')).toBeUndefined();
  });

  it('re-reads role and status on every request: a changed role counts, a disabled user or a reset password ends the session', async () => {
    await createUser(store, { username: 'live.user', displayName: '在岗', role: 'clerk', password: 'live password 1' });
    const sessions = new SessionStore();
    const logger = createLogger('door-test', { terminal: false, logDir: path.join(dataDir, 'logs') });
    const deps = { store, sessions, logger, secureCookies: false } as unknown as ConsoleDeps;
    const logIn = async () => {
      const user = (await authenticate(store, 'live.user', 'live password 1'))!;
      return sessions.logIn(undefined, {
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        epoch: user.sessionEpoch,
      });
    };
    const cookie = (id: string) => new Map([['zhishen_session', id]]);
    const admin = { actor: { kind: 'user' as const, name: 'root.admin' }, via: 'console' as const };

    let session = await logIn();
    await store.db.query(`UPDATE users SET role = 'auditor' WHERE username = 'live.user'`);
    expect((await currentSession(deps, cookie(session.id)))?.user.role).toBe('auditor');
    // Over HTTPS the cookie is __Host- prefixed; the plain name is not read then.
    expect(await currentSession({ ...deps, secureCookies: true }, cookie(session.id))).toBeUndefined();

    await setDisabledAsAdmin(store, admin, 'live.user', true);
    expect(await currentSession(deps, cookie(session.id))).toBeUndefined();
    expect(await authenticate(store, 'live.user', 'live password 1')).toBeUndefined();
    await setDisabledAsAdmin(store, admin, 'live.user', false);
    // Re-enabling never revives the old session.
    expect(await currentSession(deps, cookie(session.id))).toBeUndefined();

    session = await logIn();
    expect(await currentSession(deps, cookie(session.id))).toBe(session);
    await resetPasswordAsAdmin(store, admin, 'live.user', 'brand new password 2');
    expect(await currentSession(deps, cookie(session.id))).toBeUndefined();
    expect(await authenticate(store, 'live.user', 'live password 1')).toBeUndefined();
    expect(await authenticate(store, 'live.user', 'brand new password 2')).toMatchObject({ username: 'live.user' });

    const trail = await listEvents(store, ADMIN_TRAIL_ID);
    expect(trail.map((e) => [e.step, e.actor.name, (e.inputs as { username: string }).username])).toEqual([
      ['user-disabled', 'root.admin', 'live.user'],
      ['user-enabled', 'root.admin', 'live.user'],
      ['password-reset', 'root.admin', 'live.user'],
    ]);
    for (const e of trail) expect(STEP_NAMES[e.step]).toBeTruthy();
    expect(JSON.stringify(trail)).not.toContain('brand new password');
  });

  it('disables, enables and resets a password from the CLI, the password never taken from argv', async () => {
    await createUser(store, { username: 'cli.user', displayName: '命令行', role: 'clerk', password: 'cli password 11' });
    const before = (await getUserStanding(store, 'cli.user'))!.sessionEpoch;
    const lines: string[] = [];
    expect(await runUsersCommand(['disable', 'cli.user'], store, undefined, (l) => lines.push(l))).toBe(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ username: 'cli.user', disabled: true });
    expect(await runUsersCommand(['enable', 'cli.user'], store, undefined, () => {})).toBe(0);
    await expect(runUsersCommand(['disable', 'nobody'], store, undefined, () => {})).rejects.toThrow(/no user nobody/);
    await expect(runUsersCommand(['reset-password', 'cli.user', 'argv password 1'], store, undefined, () => {})).rejects.toThrow(
      /never an argument/,
    );
    await expect(
      runUsersCommand(['reset-password', 'cli.user', '--password', 'argv password 1'], store, undefined, () => {}),
    ).rejects.toThrow(/unknown option --password.*never an argument/);
    // The password as ZHISHEN_NEW_PASSWORD gives it (config.cli.newPassword).
    await expect(runUsersCommand(['reset-password', 'cli.user'], store, 'short', () => {})).rejects.toThrow(/10/);
    expect(await runUsersCommand(['reset-password', 'cli.user'], store, 'cli new password 2', () => {})).toBe(0);
    expect(await authenticate(store, 'cli.user', 'cli new password 2')).toMatchObject({ username: 'cli.user', disabled: false });
    expect((await getUserStanding(store, 'cli.user'))!.sessionEpoch).toBe(before + 3);
    const cliActs = (await listEvents(store, ADMIN_TRAIL_ID)).filter((e) => (e.inputs as { username: string }).username === 'cli.user');
    expect(cliActs.map((e) => e.step)).toEqual(['user-disabled', 'user-enabled', 'password-reset']);
    for (const e of cliActs) expect(e.actor).toEqual({ kind: 'system', name: `cli:${os.userInfo().username}` });
    expect(await verifyChain(store, ADMIN_TRAIL_ID)).toMatchObject({ ok: true });
  });
});

describe('users command', () => {
  let store: Store;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-users-'));
    store = await openStore({ dataDir });
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the first admin with the configured new password and lists users', async () => {
    const lines: string[] = [];
    // The password as ZHISHEN_NEW_PASSWORD gives it (config.cli.newPassword).
    const password = 'first admin pass';
    expect(await runUsersCommand(['add', 'admin', '--role', 'admin', '--name', '系统管理员'], store, password, (l) => lines.push(l))).toBe(
      0,
    );
    await expect(runUsersCommand(['add', 'admin', '--role', 'admin'], store, password, () => {})).rejects.toThrow(/already exists/);
    await expect(runUsersCommand(['add', 'x', '--role', 'root'], store, password, () => {})).rejects.toThrow(/users add/);
    await expect(runUsersCommand(['add', 'x', '--role', 'clerk', '--nmae', 'X'], store, password, () => {})).rejects.toThrow(
      /unknown option --nmae/,
    );
    await expect(runUsersCommand(['add', 'y', '--role', 'clerk'], store, 'short', () => {})).rejects.toThrow(/10/);
    expect(JSON.parse(lines[0]!)).toEqual({ username: 'admin', displayName: '系统管理员', role: 'admin', disabled: false });
    expect(await authenticate(store, 'admin', 'first admin pass')).toMatchObject({ role: 'admin' });
    const listed: string[] = [];
    await runUsersCommand(['list'], store, undefined, (l) => listed.push(l));
    expect(listed.map((l) => (JSON.parse(l) as { username: string }).username)).toEqual(['admin']);
  });
});

import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { Store } from './store';

const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

export const Role = z.enum(['clerk', 'supervisor', 'manager', 'auditor', 'admin']);
export type Role = z.infer<typeof Role>;

export const Password = z.string().min(10, 'password: at least 10 characters');

export const NewUser = z.object({
  username: z.string().regex(/^[a-z0-9_.-]{2,40}$/, 'username: 2–40 of a-z 0-9 _ . -'),
  displayName: z.string().min(1).max(60),
  role: Role,
  password: Password,
});
export type NewUser = z.infer<typeof NewUser>;

export interface User {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
}

/** A user with the counter that ends their sessions when raised (see 050_console_security.sql). */
export interface UserStanding extends User {
  sessionEpoch: number;
}

/**
 * scrypt at N=2^17, r=8, p=1 (OWASP's figure): 128·N·r = 128 MiB of memory per hash, above Node's
 * default maxmem of 32 MiB, hence the explicit maxmem with room to spare.
 */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keylen: 32 };
const maxmemFor = (N: number, r: number, p: number) => 256 * N * r * p + 1024 * 1024;

/**
 * At most two hashes at once in a process: each takes 128 MiB, and a burst of logins must not
 * exhaust memory (or all four libuv threads) before the throttle has even counted them.
 */
const HASH_SLOTS = 2;
let hashesRunning = 0;
const hashQueue: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (hashesRunning >= HASH_SLOTS) await new Promise<void>((resolve) => hashQueue.push(resolve));
  hashesRunning++;
  try {
    return await work();
  } finally {
    hashesRunning--;
    hashQueue.shift()?.();
  }
}

const runScrypt = (password: string, salt: Buffer, keylen: number, N: number, r: number, p: number) =>
  limited(() => scrypt(password, salt, keylen, { N, r, p, maxmem: maxmemFor(N, r, p) }));

/** A salted scrypt hash, self-describing so that its parameters can be raised later. */
async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await runScrypt(password, salt, SCRYPT.keylen, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('hex')}$${hash.toString('hex')}`;
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** The parts of a stored hash; undefined for anything malformed or absurd (a huge N would be a DoS). */
function parseHash(stored: string): ParsedHash | undefined {
  const [scheme, n, r, p, saltHex, hashHex, extra] = stored.split('$');
  if (scheme !== 'scrypt' || extra !== undefined || !saltHex || !hashHex || !/^([0-9a-f]{2})+$/.test(saltHex + hashHex)) return undefined;
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0) return undefined;
  if (!Number.isInteger(R) || R < 1 || R > 32 || !Number.isInteger(P) || P < 1 || P > 4) return undefined;
  return { N, r: R, p: P, salt: Buffer.from(saltHex, 'hex'), hash: Buffer.from(hashHex, 'hex') };
}

/** Constant-time comparison of a password with a stored hash. */
async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const actual = await runScrypt(password, parsed.salt, parsed.hash.length, parsed.N, parsed.r, parsed.p);
  return crypto.timingSafeEqual(actual, parsed.hash);
}

/** Whether a stored hash is weaker than today's parameters and should be replaced at the next login. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  return (
    !parsed ||
    parsed.N < SCRYPT.N ||
    parsed.r < SCRYPT.r ||
    parsed.p < SCRYPT.p ||
    parsed.hash.length < SCRYPT.keylen ||
    parsed.salt.length < 16
  );
}

interface UserRow {
  username: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  password_hash: string;
  session_epoch: number;
}

const COLUMNS = 'username, display_name, role, disabled, password_hash, session_epoch';
const ofRow = (r: UserRow): User => ({ username: r.username, displayName: r.display_name, role: r.role, disabled: r.disabled });

/** Creates a user; an existing username is an error, never silently replaced. */
export async function createUser(store: Store, input: NewUser): Promise<User> {
  const u = NewUser.parse(input);
  const rows = await store.db.query<UserRow>(
    `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
    [u.username, u.displayName, u.role, await hashPassword(u.password)],
  );
  if (!rows[0]) throw new Error(`user ${u.username} already exists`);
  return ofRow(rows[0]);
}

/** One user, or undefined. */
export async function getUser(store: Store, username: string): Promise<User | undefined> {
  const [row] = await store.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [username]);
  return row && ofRow(row);
}

/** One user as the console checks them on every request: role, disabled, session epoch. */
export async function getUserStanding(store: Store, username: string): Promise<UserStanding | undefined> {
  const [row] = await store.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [username]);
  return row && { ...ofRow(row), sessionEpoch: row.session_epoch };
}

/**
 * The user when the password is right and the account enabled; undefined otherwise, whichever was
 * wrong. A hash with weaker parameters than today's is replaced on the way (only if it is still the
 * one that was checked, so a password reset meanwhile is never overwritten).
 */
export async function authenticate(store: Store, username: string, password: string): Promise<UserStanding | undefined> {
  const [row] = await store.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [username]);
  // A made-up hash for unknown users keeps the time of a failed login the same either way.
  const ok = await passwordMatches(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok || row.disabled) return undefined;
  if (needsRehash(row.password_hash)) {
    await store.db.query('UPDATE users SET password_hash = $3 WHERE username = $1 AND password_hash = $2', [
      row.username,
      row.password_hash,
      await hashPassword(password),
    ]);
  }
  return { ...ofRow(row), sessionEpoch: row.session_epoch };
}

const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${'00'.repeat(16)}$${'00'.repeat(SCRYPT.keylen)}`;

/** Every user, by name. */
export async function listUsers(store: Store): Promise<User[]> {
  const rows = await store.db.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username`);
  return rows.map(ofRow);
}

/**
 * Disables or re-enables a user. Either way the session epoch rises: a disabled user's sessions end,
 * and re-enabling never brings an old session back. Undefined when there is no such user.
 */
export async function setUserDisabled(store: Store, username: string, disabled: boolean): Promise<User | undefined> {
  const [row] = await store.db.query<UserRow>(
    `UPDATE users SET disabled = $2, session_epoch = session_epoch + 1 WHERE username = $1 RETURNING ${COLUMNS}`,
    [username, disabled],
  );
  return row && ofRow(row);
}

/** A new password for a user; every session of theirs ends. Undefined when there is no such user. */
export async function setUserPassword(store: Store, username: string, password: string): Promise<User | undefined> {
  const hash = await hashPassword(Password.parse(password));
  const [row] = await store.db.query<UserRow>(
    `UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE username = $1 RETURNING ${COLUMNS}`,
    [username, hash],
  );
  return row && ofRow(row);
}

import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { Store } from './store';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

export const Role = z.enum(['clerk', 'supervisor', 'manager', 'auditor', 'admin']);
export type Role = z.infer<typeof Role>;

export const NewUser = z.object({
  username: z.string().regex(/^[a-z0-9_.-]{2,40}$/, 'username: 2–40 of a-z 0-9 _ . -'),
  displayName: z.string().min(1).max(60),
  role: Role,
  password: z.string().min(10, 'password: at least 10 characters'),
});
export type NewUser = z.infer<typeof NewUser>;

export interface User {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

/** A salted scrypt hash, self-describing so that its parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('hex')}$${hash.toString('hex')}`;
}

/** Constant-time comparison of a password with a stored hash. */
export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scrypt(password, Buffer.from(saltHex, 'hex'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return crypto.timingSafeEqual(actual, expected);
}

interface UserRow {
  username: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  password_hash: string;
}

const ofRow = (r: UserRow): User => ({ username: r.username, displayName: r.display_name, role: r.role, disabled: r.disabled });

/** Creates a user; an existing username is an error, never silently replaced. */
export async function createUser(store: Store, input: NewUser): Promise<User> {
  const u = NewUser.parse(input);
  const rows = await store.db.query<UserRow>(
    `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (username) DO NOTHING RETURNING username, display_name, role, disabled, password_hash`,
    [u.username, u.displayName, u.role, await hashPassword(u.password)],
  );
  if (!rows[0]) throw new Error(`user ${u.username} already exists`);
  return ofRow(rows[0]);
}

/** One user, or undefined. */
export async function getUser(store: Store, username: string): Promise<User | undefined> {
  const [row] = await store.db.query<UserRow>('SELECT username, display_name, role, disabled, password_hash FROM users WHERE username = $1', [username]);
  return row && ofRow(row);
}

/** The user when the password is right and the account enabled; undefined otherwise, whichever was wrong. */
export async function authenticate(store: Store, username: string, password: string): Promise<User | undefined> {
  const [row] = await store.db.query<UserRow>('SELECT username, display_name, role, disabled, password_hash FROM users WHERE username = $1', [username]);
  // A made-up hash for unknown users keeps the time of a failed login the same either way.
  const ok = await passwordMatches(password, row?.password_hash ?? DUMMY_HASH);
  return row && ok && !row.disabled ? ofRow(row) : undefined;
}

const DUMMY_HASH = `scrypt$16384$8$1$${'00'.repeat(16)}$${'00'.repeat(32)}`;

/** Every user, by name. */
export async function listUsers(store: Store): Promise<User[]> {
  const rows = await store.db.query<UserRow>('SELECT username, display_name, role, disabled, password_hash FROM users ORDER BY username');
  return rows.map(ofRow);
}

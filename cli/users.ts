import os from 'node:os';
import { z } from 'zod';
import {
  addUserAsAdmin,
  listUsers,
  NewUser,
  Password,
  resetPasswordAsAdmin,
  Role,
  setDisabledAsAdmin,
  type AdminActor,
  type Store,
} from '../store';
import { parseArgs, UsageError, type CommandSpec } from './args';
import { askHidden, firstLineOfStdin } from './password';
import { EmailAddress, setEmailAsAdmin } from '../store/userEmail';

/** Each users command's arguments and usage line; no password among them (it would sit in the shell history). */
const USERS_COMMANDS = {
  add: { usage: 'users add USERNAME --role admin|clerk|supervisor|manager|auditor --name DISPLAYNAME', options: ['role', 'name'] },
  list: { usage: 'users list' },
  disable: { usage: 'users disable USERNAME' },
  enable: { usage: 'users enable USERNAME' },
  'reset-password': { usage: 'users reset-password USERNAME' },
  'set-email': { usage: 'users set-email USERNAME (--email ADDRESS | --clear)', options: ['email'], flags: ['clear'] },
} as const satisfies Record<string, CommandSpec>;
const WHERE_PASSWORDS_COME_FROM = 'a password comes from ZHISHEN_NEW_PASSWORD or a prompt, never an argument';
const USERS_USAGE = Object.values(USERS_COMMANDS)
  .map((c) => c.usage)
  .join('\n');

/**
 * Who acts from the CLI: whoever holds the store, named by their operating-system account. Not a
 * console user (nobody logged in), so the trail marks it as the system acting for that account.
 */
const cliActor = (): AdminActor => ({ actor: { kind: 'system', name: `cli:${os.userInfo().username}` }, via: 'cli' });

/** A password typed at the terminal without echo, asked twice. */
async function promptPassword(): Promise<string> {
  const first = await askHidden('password (at least 10 characters): ');
  const second = await askHidden('again: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

/** Where the new password comes from: ZHISHEN_NEW_PASSWORD (config.cli.newPassword), a prompt without echo, or a pipe. Never an argument. */
async function newPassword(fromConfig: string | undefined): Promise<string> {
  if (fromConfig) return fromConfig;
  return process.stdin.isTTY ? promptPassword() : firstLineOfStdin();
}

/**
 * `users add USERNAME --role ROLE --name DISPLAYNAME`, `users list`, `users disable|enable USERNAME`
 * and `users reset-password USERNAME`: the console's accounts. The first administrator is made here;
 * the console's 用户管理 page does the rest. Every change is written to the `_admin` audit trail.
 */
export async function runUsersCommand(
  args: string[],
  store: Store,
  configuredPassword: string | undefined,
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !Object.hasOwn(USERS_COMMANDS, sub))
    throw new UsageError(sub ? `unknown users command: ${sub}` : 'users needs a command', USERS_USAGE);
  const spec: CommandSpec = USERS_COMMANDS[sub as keyof typeof USERS_COMMANDS];
  let parsed;
  try {
    parsed = parseArgs(rest, spec);
  } catch (err) {
    // `--password X` is the likely mistake: say where a password comes from instead.
    if (err instanceof UsageError && sub !== 'list' && sub !== 'set-email')
      throw new UsageError(`${err.message} (${WHERE_PASSWORDS_COME_FROM})`, spec.usage);
    throw err;
  }
  const username = parsed.positionals[0];
  if (sub === 'list' && parsed.positionals.length > 0) throw new UsageError('users list takes no arguments', spec.usage);
  if (sub !== 'list' && (!username || parsed.positionals.length !== 1))
    throw new UsageError(`users ${sub} takes one username (${WHERE_PASSWORDS_COME_FROM})`, spec.usage);
  switch (sub) {
    case 'list': {
      for (const u of await listUsers(store)) out(JSON.stringify(u));
      return 0;
    }
    case 'add': {
      const role = Role.safeParse(parsed.options.get('role'));
      if (!role.success) throw new UsageError('users add: --role takes admin, clerk, supervisor, manager or auditor', spec.usage);
      const input = {
        username: username!,
        displayName: parsed.options.get('name') ?? username!,
        role: role.data,
        password: await newPassword(configuredPassword),
      };
      const checked = NewUser.safeParse(input);
      if (!checked.success) throw new UsageError(z.prettifyError(checked.error));
      const user = await addUserAsAdmin(store, cliActor(), checked.data);
      out(JSON.stringify(user));
      process.stderr.write(`user ${user.username} (${user.role}) created\n`);
      return 0;
    }
    case 'disable':
    case 'enable': {
      const user = await setDisabledAsAdmin(store, cliActor(), username!, sub === 'disable');
      if (!user) throw new UsageError(`no user ${username}`);
      out(JSON.stringify(user));
      process.stderr.write(`user ${username} ${sub}d; their console sessions are ended\n`);
      return 0;
    }
    case 'reset-password': {
      const password = Password.safeParse(await newPassword(configuredPassword));
      if (!password.success) throw new UsageError(z.prettifyError(password.error));
      const user = await resetPasswordAsAdmin(store, cliActor(), username!, password.data);
      if (!user) throw new UsageError(`no user ${username}`);
      out(JSON.stringify(user));
      process.stderr.write(`password of ${username} reset; their console sessions are ended\n`);
      return 0;
    }
    case 'set-email':
      return setEmail(store, username!, parsed.options.get('email'), parsed.flags.has('clear'), spec.usage, out);
    default:
      throw new UsageError(`unknown users command: ${sub}`, USERS_USAGE);
  }
}

/** `users set-email USERNAME --email ADDRESS` (or `--clear`): where notification mail reaches the user (docs/notifications.md). */
async function setEmail(
  store: Store,
  username: string,
  email: string | undefined,
  clear: boolean,
  usage: string,
  out: (line: string) => void,
): Promise<number> {
  if ((email === undefined) === !clear) throw new UsageError('users set-email takes --email ADDRESS or --clear, one of them', usage);
  const address = clear ? null : EmailAddress.safeParse(email);
  if (address && !address.success) throw new UsageError(z.prettifyError(address.error), usage);
  if (!(await setEmailAsAdmin(store, cliActor(), username, address ? address.data : null))) throw new UsageError(`no user ${username}`);
  out(JSON.stringify({ username, email: address ? address.data : null }));
  process.stderr.write(`notification e-mail of ${username} ${address ? 'set' : 'cleared'}\n`);
  return 0;
}

import os from 'node:os';
import { z } from 'zod';
import { addUserAsAdmin, listUsers, NewUser, Password, resetPasswordAsAdmin, Role, setDisabledAsAdmin, type AdminActor, type Store } from '../store';
import { parseArgs, UsageError } from './args';
import { askHidden, firstLineOfStdin } from './password';

const USAGE =
  'users add USERNAME --role admin|clerk|supervisor|manager|auditor --name DISPLAYNAME | users list | users disable USERNAME | users enable USERNAME | users reset-password USERNAME';

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

/** Where the new password comes from: ZHISHEN_NEW_PASSWORD, a prompt without echo, or a pipe. Never an argument (it would sit in the shell history). */
async function newPassword(): Promise<string> {
  const fromEnv = process.env.ZHISHEN_NEW_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return process.stdin.isTTY ? promptPassword() : firstLineOfStdin();
}

/**
 * `users add USERNAME --role ROLE --name DISPLAYNAME`, `users list`, `users disable|enable USERNAME`
 * and `users reset-password USERNAME`: the console's accounts. The first administrator is made here;
 * the console's 用户管理 page does the rest. Every change is written to the `_admin` audit trail.
 */
export async function runUsersCommand(args: string[], store: Store, out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<number> {
  const [sub, ...rest] = args;
  const parsed = parseArgs(rest, ['role', 'name']);
  switch (sub) {
    case 'list': {
      for (const u of await listUsers(store)) out(JSON.stringify(u));
      return 0;
    }
    case 'add': {
      const username = parsed.positionals[0];
      const role = Role.safeParse(parsed.options.get('role'));
      if (!username || !role.success) throw new UsageError(USAGE);
      const input = { username, displayName: parsed.options.get('name') ?? username, role: role.data, password: await newPassword() };
      const checked = NewUser.safeParse(input);
      if (!checked.success) throw new UsageError(z.prettifyError(checked.error));
      const user = await addUserAsAdmin(store, cliActor(), checked.data);
      out(JSON.stringify(user));
      process.stderr.write(`user ${user.username} (${user.role}) created\n`);
      return 0;
    }
    case 'disable':
    case 'enable': {
      const username = parsed.positionals[0];
      if (!username || parsed.positionals.length !== 1) throw new UsageError(USAGE);
      const user = await setDisabledAsAdmin(store, cliActor(), username, sub === 'disable');
      if (!user) throw new UsageError(`no user ${username}`);
      out(JSON.stringify(user));
      process.stderr.write(`user ${username} ${sub}d; their console sessions are ended\n`);
      return 0;
    }
    case 'reset-password': {
      const username = parsed.positionals[0];
      if (!username || parsed.positionals.length !== 1 || parsed.flags.size || parsed.options.size) throw new UsageError(`${USAGE} (the password comes from ZHISHEN_NEW_PASSWORD or a prompt, never an argument)`);
      const password = Password.safeParse(await newPassword());
      if (!password.success) throw new UsageError(z.prettifyError(password.error));
      const user = await resetPasswordAsAdmin(store, cliActor(), username, password.data);
      if (!user) throw new UsageError(`no user ${username}`);
      out(JSON.stringify(user));
      process.stderr.write(`password of ${username} reset; their console sessions are ended\n`);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}

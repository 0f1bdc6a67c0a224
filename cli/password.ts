import type { Store } from '../store';
import { authenticate, type UserStanding } from '../store/users';
import { UsageError } from './args';

/** One line typed at the terminal without echo. */
export function askHidden(question: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let typed = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          done();
          return resolve(typed);
        }
        if (ch === '\u0003') {
          done();
          return reject(new UsageError('cancelled'));
        }
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

/** The first line of a piped stdin. */
export async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** The acting person's password: ZHISHEN_PASSWORD (config.cli.password), a prompt without echo, or a pipe; never an argument. */
async function loginPassword(username: string, fromConfig: string | undefined): Promise<string> {
  if (fromConfig) return fromConfig;
  return process.stdin.isTTY ? askHidden(`password for ${username}: `) : firstLineOfStdin();
}

/**
 * The person at the terminal, proven by their console password (ZHISHEN_PASSWORD or a prompt):
 * a name alone proves nothing. `what` says what they are about to do, for the usage message.
 */
export async function provenPerson(
  store: Store,
  username: string | undefined,
  passwordFromConfig: string | undefined,
  what = 'decides',
): Promise<UserStanding> {
  if (!username)
    throw new UsageError(`say who ${what}: --as USER (or ZHISHEN_USER), with the password in ZHISHEN_PASSWORD or at the prompt`);
  const password = await loginPassword(username, passwordFromConfig);
  if (!password) throw new UsageError(`--as ${username} needs the password of ${username}: ZHISHEN_PASSWORD or the prompt`);
  const user = await authenticate(store, username, password);
  if (!user) throw new UsageError(`${username}: wrong password, or no such active user`);
  return user;
}

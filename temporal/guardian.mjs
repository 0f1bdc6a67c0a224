/**
 * Runs a server program as its child and makes sure it does not outlive the process that started
 * the guardian: `node guardian.mjs PROGRAM [ARGS…]`, with stdin a pipe from that process. The pipe
 * closes however the starter ends (a clean stop, a crash, kill -9), and the guardian then stops the
 * program: SIGTERM, and SIGKILL if it is still there after the grace time. SIGTERM, SIGINT or SIGHUP
 * to the guardian stop it the same way. The guardian exits with the program's status.
 *
 * Plain JavaScript, run by node itself: it starts in a few dozen milliseconds and needs nothing installed.
 * (Used by temporal/devServer.ts for `temporal server start-dev`, which does not watch its parent.)
 */
import { spawn } from 'node:child_process';
import os from 'node:os';

/** How long the program has to stop after SIGTERM before it is killed. */
const GRACE_MS = 15_000;
const [program, ...args] = process.argv.slice(2);
if (!program) {
  process.stderr.write('usage: node guardian.mjs PROGRAM [ARGS…]\n');
  process.exit(2);
}

const child = spawn(program, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), GRACE_MS).unref();
};

process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stop);

child.once('error', (err) => {
  process.stderr.write(`guardian: cannot start ${program}: ${err.message}\n`);
  process.exit(127);
});
child.once('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));

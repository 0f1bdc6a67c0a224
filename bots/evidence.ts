import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright';
import type { EvidenceFile } from './errors';
import { maskIdNumbersIn } from '../rules/idNumber';
import { OWNER_ONLY_DIR, OWNER_ONLY_FILE } from '../security/ownerOnly';

// Contexts that may record evidence, and whether a step's trace is being recorded right now.
const tracing = new WeakMap<BrowserContext, { recording: boolean; title: string }>();

/**
 * Lets a context record Playwright traces (every action with a DOM snapshot before and after), one
 * per traced step (the pool's trace policy, tracePolicy.ts, says which), kept only when the step fails. Nothing is recorded until a step begins: the seat's
 * first login is never in a trace. No screencast: its film strip of every frame cost Chromium
 * more than the steps themselves (0.9 of 3.3 CPU seconds per case, `npm run bench`), while the trace
 * viewer renders the snapshots as the pages were and saveEvidence takes a full screenshot of the failure.
 */
export async function startEvidenceTrace(context: BrowserContext): Promise<void> {
  if (!tracing.has(context)) tracing.set(context, { recording: false, title: '' });
}

/**
 * Starts the trace of one step. Each step gets a tracing session of its own (start … stop), not a
 * chunk of one long session: Playwright keeps a context's network log from start to stop and puts
 * all of it into every chunk it saves, so a chunk would carry earlier steps' requests (other
 * people's screens, the login form's POST) into this step's evidence.
 */
export async function beginEvidenceChunk(context: BrowserContext, title: string): Promise<void> {
  const state = tracing.get(context);
  if (!state) return;
  if (state.recording) await stopTracing(context, state);
  await context.tracing.start({ screenshots: false, snapshots: true, title });
  state.recording = true;
  state.title = title;
}

/** Drops the current step's trace (the step went well). */
export async function discardEvidenceChunk(context: BrowserContext): Promise<void> {
  const state = tracing.get(context);
  if (state?.recording) await stopTracing(context, state);
}

/**
 * Runs `secret` (a login: the password typed, the form posted) with no trace recording: the trace
 * of the step so far is dropped, and a new one begins after. A bot that logs in again in the middle
 * of a step thus never leaves the core system's password in its evidence.
 */
export async function outsideEvidenceTrace<T>(context: BrowserContext, secret: () => Promise<T>): Promise<T> {
  const state = tracing.get(context);
  if (!state?.recording) return secret();
  await stopTracing(context, state);
  try {
    return await secret();
  } finally {
    await context.tracing.start({ screenshots: false, snapshots: true, title: `${state.title}（重新登录后）` }).then(
      () => (state.recording = true),
      () => undefined, // a context closed under us has nothing left to trace
    );
  }
}

async function stopTracing(context: BrowserContext, state: { recording: boolean }, path?: string): Promise<void> {
  state.recording = false;
  await context.tracing.stop(path ? { path } : {});
}

async function sha256Of(file: string): Promise<string> {
  return crypto
    .createHash('sha256')
    .update(await fs.promises.readFile(file))
    .digest('hex');
}

/**
 * Keeps what the bot saw: a full-page screenshot, the page's HTML and, when a trace is being
 * recorded, the step's trace (open it with `npx playwright show-trace`). Returns the files with
 * their sha256, for the audit trail. What can no longer be captured (a closed page) is left out.
 * The files show the clerk's screens with unmasked 身份证号: keep them where case files are kept.
 */
export async function saveEvidence(page: Page, dir: string, label: string): Promise<EvidenceFile[]> {
  await fs.promises.mkdir(dir, { recursive: true, mode: OWNER_ONLY_DIR });
  // File names are listed and copied around more freely than the files: no 身份证号 in them.
  const stem = `${maskIdNumbersIn(label).replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const files: Omit<EvidenceFile, 'sha256'>[] = [];
  if (!page.isClosed()) {
    const screenshot = path.join(dir, `${stem}.png`);
    const html = path.join(dir, `${stem}.html`);
    try {
      await fs.promises.writeFile(screenshot, await page.screenshot({ fullPage: true, timeout: 5_000 }), { mode: OWNER_ONLY_FILE });
      files.push({ kind: 'screenshot', path: screenshot });
      await fs.promises.writeFile(html, await page.content(), { mode: OWNER_ONLY_FILE });
      files.push({ kind: 'html', path: html });
    } catch {
      // The page died while we looked at it; the trace below still shows what happened.
    }
  }
  const context = page.context();
  const state = tracing.get(context);
  if (state?.recording) {
    const trace = path.join(dir, `${stem}.trace.zip`);
    try {
      await stopTracing(context, state, trace);
      await fs.promises.chmod(trace, OWNER_ONLY_FILE);
      files.push({ kind: 'trace', path: trace });
    } catch {
      // A context that was closed under us has no trace left to save.
    }
  }
  return Promise.all(files.map(async (f) => ({ ...f, sha256: await sha256Of(f.path) })));
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright';
import type { EvidenceFile } from './errors';
import { maskIdNumbersIn } from '../rules/idNumber';

// Contexts whose trace has an open chunk, started by startEvidenceTrace/beginEvidenceChunk.
const tracing = new WeakMap<BrowserContext, { chunkOpen: boolean }>();

/**
 * Starts recording a Playwright trace (every action with a DOM snapshot before and after) on a
 * context, kept only when a step fails. No screencast: its film strip of every frame cost Chromium
 * more than the steps themselves (0.9 of 3.3 CPU seconds per case, `npm run bench`), while the trace
 * viewer renders the snapshots as the pages were and saveEvidence takes a full screenshot of the failure.
 */
export async function startEvidenceTrace(context: BrowserContext): Promise<void> {
  if (tracing.has(context)) return;
  await context.tracing.start({ screenshots: false, snapshots: true });
  tracing.set(context, { chunkOpen: false });
}

/** Starts the trace chunk of one step; a chunk not kept by saveEvidence is dropped by the next begin. */
export async function beginEvidenceChunk(context: BrowserContext, title: string): Promise<void> {
  const state = tracing.get(context);
  if (!state) return;
  if (state.chunkOpen) await context.tracing.stopChunk();
  await context.tracing.startChunk({ title });
  state.chunkOpen = true;
}

/** Drops the current step's chunk (the step went well). */
export async function discardEvidenceChunk(context: BrowserContext): Promise<void> {
  const state = tracing.get(context);
  if (!state?.chunkOpen) return;
  await context.tracing.stopChunk();
  state.chunkOpen = false;
}

async function sha256Of(file: string): Promise<string> {
  return crypto.createHash('sha256').update(await fs.promises.readFile(file)).digest('hex');
}

/**
 * Keeps what the bot saw: a full-page screenshot, the page's HTML and, when a trace is being
 * recorded, the step's trace (open it with `npx playwright show-trace`). Returns the files with
 * their sha256, for the audit trail. What can no longer be captured (a closed page) is left out.
 * The files show the clerk's screens with unmasked 身份证号: keep them where case files are kept.
 */
export async function saveEvidence(page: Page, dir: string, label: string): Promise<EvidenceFile[]> {
  await fs.promises.mkdir(dir, { recursive: true });
  // File names are listed and copied around more freely than the files: no 身份证号 in them.
  const stem = `${maskIdNumbersIn(label).replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const files: Omit<EvidenceFile, 'sha256'>[] = [];
  if (!page.isClosed()) {
    const screenshot = path.join(dir, `${stem}.png`);
    const html = path.join(dir, `${stem}.html`);
    try {
      await page.screenshot({ path: screenshot, fullPage: true, timeout: 5_000 });
      files.push({ kind: 'screenshot', path: screenshot });
      await fs.promises.writeFile(html, await page.content());
      files.push({ kind: 'html', path: html });
    } catch {
      // The page died while we looked at it; the trace below still shows what happened.
    }
  }
  const context = page.context();
  const state = tracing.get(context);
  if (state?.chunkOpen) {
    const trace = path.join(dir, `${stem}.trace.zip`);
    try {
      await context.tracing.stopChunk({ path: trace });
      files.push({ kind: 'trace', path: trace });
    } catch {
      // A context that was closed under us has no trace left to save.
    } finally {
      state.chunkOpen = false;
    }
  }
  return Promise.all(files.map(async (f) => ({ ...f, sha256: await sha256Of(f.path) })));
}

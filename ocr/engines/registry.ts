/**
 * One engine of each kind per process: models and workers load once and every reader shares them.
 * Readers acquire and release; the last release closes the engine.
 */
import type { EngineName, OcrEngine } from './engine';
import { createPpocrEngine } from './ppocr';
import { createTesseractEngine } from './tesseract';

interface Shared {
  engine: Promise<OcrEngine>;
  users: number;
}

const shared = new Map<EngineName, Shared>();

/** The process's engine of that kind, created on first use. */
export function acquireEngine(name: EngineName, options: { poolSize?: number; threads?: number; pages?: number } = {}): Promise<OcrEngine> {
  let entry = shared.get(name);
  if (!entry) {
    const engine =
      name === 'ppocr' ? createPpocrEngine({ threads: options.threads, pages: options.pages }) : createTesseractEngine(options.poolSize);
    entry = { engine, users: 0 };
    shared.set(name, entry);
    // A failed load must not stay cached: the next reader tries again.
    engine.catch(() => shared.delete(name));
  }
  entry.users++;
  return entry.engine;
}

/** Gives back an engine; the last user closes it. */
export async function releaseEngine(name: EngineName): Promise<void> {
  const entry = shared.get(name);
  if (!entry) return;
  entry.users--;
  if (entry.users > 0) return;
  shared.delete(name);
  await (await entry.engine.catch(() => null))?.close();
}

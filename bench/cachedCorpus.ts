import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generateCorpus, type CorpusEntry, type CorpusOptions } from '../fixtures/receipts/corpus';

/**
 * The receipts an earlier run generated into `options.outDir`, or generated there now: a calibration
 * run again reads the same receipts without drawing them again.
 */
export async function cachedCorpus(options: CorpusOptions): Promise<CorpusEntry[]> {
  const manifest = path.join(options.outDir, `${options.prefix ?? ''}manifest.json`);
  if (existsSync(manifest)) return JSON.parse(await readFile(manifest, 'utf8')) as CorpusEntry[];
  return generateCorpus(options);
}

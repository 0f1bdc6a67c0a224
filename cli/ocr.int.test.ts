import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, type CorpusEntry } from '../fixtures/receipts/corpus';
import { runOcr } from './ocr';

let dir: string;
let corpus: CorpusEntry[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zhishen-cli-ocr-'));
  corpus = await generateCorpus({ seed: 77, perKind: 1, kinds: ['pdf-text'], outDir: dir });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('client.ts ocr', () => {
  it('prints one receipts[i]-shaped line per file with confidence and file, and an error line for an unreadable one', async () => {
    const lines: string[] = [];
    const file = path.join(dir, corpus[0]!.file);
    const missing = path.join(dir, 'missing.jpg');
    const status = await runOcr([file, missing], (line) => lines.push(line));
    expect(status).toBe(2);
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ file, ...corpus[0]!.truth });
    expect(Object.keys(first.confidence)).toHaveLength(13);
    expect(JSON.parse(lines[1]!)).toEqual({ file: missing, error: 'cannot read the file (no such file)' });
  });

  it('reads image receipts several at once and prints their lines in the order of the files', async () => {
    const samples = path.join(import.meta.dirname, '../fixtures/receipts/samples');
    const files = [
      path.join(samples, 'photo-jpg-001.jpg'),
      path.join(dir, 'missing.png'),
      path.join(samples, 'clean-png-001.png'),
      path.join(dir, corpus[0]!.file),
    ];
    const lines: string[] = [];
    expect(await runOcr(files, (line) => lines.push(line))).toBe(2);
    const read = lines.map((line) => JSON.parse(line) as { file: string; code?: string; number?: string; error?: string });
    expect(read.map((line) => line.file)).toEqual(files);
    expect(read[1]!.error).toBe('cannot read the file (no such file)');
    for (const i of [0, 2]) {
      const truth = JSON.parse(await readFile(`${files[i]!}.truth.json`, 'utf8')) as { code: string; number: string };
      expect({ code: read[i]!.code, number: read[i]!.number }).toEqual({ code: truth.code, number: truth.number });
    }
    expect(read[3]).toMatchObject(corpus[0]!.truth);
  }, 120_000);

  it('exits 0 when every file was read', async () => {
    const status = await runOcr([path.join(dir, corpus[0]!.file)], () => {});
    expect(status).toBe(0);
  });
});

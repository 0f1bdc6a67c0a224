import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocrActivities, type ReadReceiptsInput, type ReadReceiptsResult } from './activity';
import type { ReceiptReader } from './reader';
import type { ReceiptReading } from './schema';

let root: string;
let attachments: string;
const read: string[] = [];

/** A reader that records what it was given and returns an empty reading. */
const fakeReader: ReceiptReader = {
  async read(input) {
    read.push(typeof input === 'string' ? input : input.name);
    return { source: 'pdf-text' } as ReceiptReading;
  },
  async close() {},
};

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'zhishen-ocr-activity-'));
  attachments = path.join(root, 'case-1');
  await mkdir(path.join(attachments, 'receipts'), { recursive: true });
  await writeFile(path.join(attachments, 'receipts', 'a.pdf'), 'receipt a');
  await writeFile(path.join(root, 'secret.txt'), 'not yours');
  await symlink(path.join(root, 'secret.txt'), path.join(attachments, 'link.pdf'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ocr activity readReceipts', () => {
  const activities = ocrActivities(fakeReader);
  const readReceipts = (input: ReadReceiptsInput) =>
    new MockActivityEnvironment().run(activities.readReceipts, input) as Promise<ReadReceiptsResult>;

  it('reads the files in order and hashes each as evidence', async () => {
    const result = await readReceipts({ caseId: 'C1', attachmentsDir: attachments, files: ['receipts/a.pdf'] });
    expect(result.receipts).toHaveLength(1);
    expect(result.evidence).toEqual([{ file: 'receipts/a.pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(read).toEqual(['receipts/a.pdf']);
  });

  it.each([['../secret.txt'], ['receipts/../../secret.txt'], [path.join(tmpdir(), 'x.pdf')], ['link.pdf']])(
    'refuses %s, which leaves the attachments directory',
    async (file) => {
      await expect(readReceipts({ caseId: 'C1', attachmentsDir: attachments, files: [file] })).rejects.toThrow(
        /outside the case's attachments directory/,
      );
    },
  );
});

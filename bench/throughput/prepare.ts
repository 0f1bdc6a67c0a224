/**
 * The benchmark's input, prepared before any clock runs: N generated cases of all three businesses,
 * their receipts as claimants upload them, the intake workbook that lists them. Rendering a few
 * hundred receipts in Chromium takes minutes, so a corpus is kept in the temp directory by seed and
 * count and reused by the next run (`--fresh` renders it again).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCases, writeIntakeWorkbook, writeReceiptFiles, type ReceiptForm } from '../../fixtures/generate';
import type { GeneratedCase } from '../../fixtures/generate';

/**
 * How receipts are uploaded, in turn: mostly the e-bill PDF with its text layer, some screenshots of
 * e-bills and scans of paper receipts (5 : 1 : 1). Seven, so the four layouts rotate through every form.
 */
/** The forms the benchmark renders; its corpus tells them apart by file extension alone. */
type BenchForm = Extract<ReceiptForm, 'ebill-pdf' | 'ebill-png' | 'scan-jpg'>;
const RECEIPT_MIX: readonly BenchForm[] = ['ebill-pdf', 'ebill-pdf', 'ebill-png', 'ebill-pdf', 'ebill-pdf', 'scan-jpg', 'ebill-pdf'];

export interface Corpus {
  dir: string;
  cases: GeneratedCase[];
  workbook: string;
  attachmentsDir: string;
  /** Attachment file names per case ID (零星报销 only). */
  attachments: Map<string, string[]>;
  receiptsByForm: Record<BenchForm, number>;
  /** True when the corpus was rendered by this run (else it came from the cache). */
  rendered: boolean;
}

const CORPUS_VERSION = 1;

export async function prepareCorpus(options: { seed: number; count: number; fresh?: boolean; log: (m: string) => void }): Promise<Corpus> {
  const { seed, count, log } = options;
  const cases = generateCases({ seed, count });
  const dir = path.join(os.tmpdir(), 'zhishen-bench-corpus', `v${CORPUS_VERSION}-seed${seed}-n${count}`);
  const workbook = path.join(dir, 'intake.xlsx');
  const attachmentsDir = path.join(dir, 'attachments');
  const namesFile = path.join(dir, 'attachments.json');
  const rendered = options.fresh || !fs.existsSync(namesFile);
  if (rendered) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const receipts = cases.reduce((n, c) => n + (c.caseFile.type === 'reimbursement' ? c.caseFile.receipts.length : 0), 0);
    log(`rendering ${receipts} receipts into ${attachmentsDir} (once per seed and count)`);
    let done = 0;
    const names = await writeReceiptFiles(
      cases.map((c) => c.caseFile),
      attachmentsDir,
      {
        seed,
        forms: RECEIPT_MIX,
        onFile: () => {
          done += 1;
          if (done % 50 === 0) log(`  ${done}/${receipts} receipts`);
        },
      },
    );
    await writeIntakeWorkbook(
      workbook,
      cases.map((c) => c.caseFile),
      { attachmentNames: names },
    );
    // Written last: its presence says the corpus is complete.
    fs.writeFileSync(namesFile, JSON.stringify(Object.fromEntries(names)));
  } else {
    log(`reusing the corpus in ${dir}`);
  }
  const attachments = new Map<string, string[]>(Object.entries(JSON.parse(fs.readFileSync(namesFile, 'utf8')) as Record<string, string[]>));
  const receiptsByForm: Record<BenchForm, number> = { 'ebill-pdf': 0, 'ebill-png': 0, 'scan-jpg': 0 };
  for (const files of attachments.values()) {
    for (const file of files) {
      const form: BenchForm = file.endsWith('.pdf') ? 'ebill-pdf' : file.endsWith('.png') ? 'ebill-png' : 'scan-jpg';
      receiptsByForm[form] += 1;
    }
  }
  return { dir, cases, workbook, attachmentsDir, attachments, receiptsByForm, rendered };
}

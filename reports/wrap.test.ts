import { describe, expect, it } from 'vitest';
import { generateCases } from '../fixtures/generate';
import { decide } from '../rules';
import { noticeBlocks, type NoticeRecord } from '../notices/noticeContent';
import { renderNotice } from '../notices/renderNotice';
import { cjkPdfDocument, pdfSupported, wrap, wrapMeasures } from './pdfDocument';

const canPdf = await pdfSupported();
const SIZES = { title: 18, heading: 13, paragraph: 11, small: 8 } as const;
const WIDTH = 595.28 - 2 * 56;

/** Notices of generated cases, some with long names and long addresses in their grounds. */
function records(count: number): NoticeRecord[] {
  return generateCases({ seed: 11, count }).map(({ caseFile: c }, i) => {
    const d = decide(c);
    const checks = d.checks ?? [];
    const failed = checks.filter((k) => k.result === 'fail').map((k) => ({ rule: k.rule, message: k.message ?? '' }));
    const reject = d.outcome === 'reject' || i % 2 === 0;
    const address = `地址：广东省珠海市香洲区${'某某路'.repeat(i % 9)}123号 (Room ${i}A, Block B) ffi fl`;
    return {
      caseId: c.caseId,
      type: c.type,
      outcome: reject ? 'reject' : 'approve',
      amount: reject ? null : (d.amount ?? '0.00'),
      person: {
        name: i % 3 === 0 ? `${c.person.name}·阿卜杜热合曼·买买提明${'艾'.repeat(i % 7)}` : c.person.name,
        idNumber: c.person.idNumber,
      },
      failed: reject ? [...failed, { rule: 'CM-01', message: `材料不全，${address}` }] : [],
      applied: checks.map((k) => ({ rule: k.rule, result: k.result })),
      policyVersion: d.policyVersion ?? null,
      decidedOn: '2025-03-04',
    };
  });
}

/** The definition wrap keeps to: a line ends before the character whose shaped line would pass the width. */
function reference(text: string, font: { widthOfTextAtSize(t: string, s: number): number }, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const ch of paragraph) {
      if (line && font.widthOfTextAtSize(line + ch, size) > width) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
    lines.push(line);
  }
  return lines;
}

describe('wrap', () => {
  it.skipIf(!canPdf)('breaks notices where measuring every line exactly would, with its measures remembered or not', async () => {
    const { font } = await cjkPdfDocument({ title: 'wrap' });
    const shared = wrapMeasures();
    let broken = 0;
    for (const record of records(12))
      for (const block of noticeBlocks(record)) {
        const size = SIZES[block.kind];
        const expected = reference(block.text, font, size, WIDTH);
        // Twice with the same measures: the second time is served from what the first remembered.
        expect(wrap(block.text, font, size, WIDTH, shared), block.text).toEqual(expected);
        expect(wrap(block.text, font, size, WIDTH, shared), block.text).toEqual(expected);
        expect(wrap(block.text, font, size, WIDTH), block.text).toEqual(expected);
        if (expected.length > 1) broken++;
      }
    expect(broken).toBeGreaterThan(20);
  });

  it.skipIf(!canPdf)('a notice renders to the same bytes whether the measures are new or remembered', async () => {
    const [first, second] = records(2);
    const cold = await renderNotice(first!);
    await renderNotice(second!);
    expect(Buffer.from(await renderNotice(first!)).equals(Buffer.from(cold))).toBe(true);
  });
});

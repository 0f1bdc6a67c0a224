/**
 * An identifier one digit short of being read. PP-OCR may read a digit the 票据监制章's ring cuts as
 * no digit at all (6261645#54): the 票据号码 is then unread and the case file invalid, though every
 * other digit is plain. tesseract.js (eng, 0–9a–f only), reading the value's line on the seal-removed
 * page, segments the cut strokes otherwise (it read that one 6261645754). When what it reads agrees
 * with every digit PP-OCR did read, its digit fills the gap — but one engine alone read that digit, and
 * a digit cut by a seal may look like another to any recogniser (sealCover.ts), so the value is held
 * below the rules' trust level and a clerk compares it with the receipt.
 */
import type { TextFragment } from './engines/engine';
import { readIdentifierOneShort } from './extract/fields';
import { digitsOnly } from './extract/values';
import type { GreyImage } from './image/greyImage';
import type { Row } from './layout/rows';
import type { ReceiptReading } from './schema';
import { SEAL_COVERED_CEILING } from './sealCover';
import { identifierAfterLabel, type Witness } from './witness';

const FILLABLE = ['code', 'number'] as const;

/** The reading with each unread 票据代码 or 票据号码 that was one digit short filled in by the witness, held low. */
export async function fillOneDigitShort(
  reading: ReceiptReading,
  rows: readonly Row[],
  fragments: readonly TextFragment[],
  page: GreyImage,
  witness: Witness,
): Promise<ReceiptReading> {
  let filled = reading;
  for (const field of FILLABLE) {
    if (filled[field] !== null) continue;
    const short = readIdentifierOneShort(rows, field);
    if (short === null) continue;
    // The whole line the value ends, label and all: tesseract loses or invents a digit at a crop's edge
    // cut through the text (626164754 or e626164754 from the value's own span, 6261645754 from its line).
    const lines = fragments.filter((fragment) => fragment.text.replace(/\s+/g, '').endsWith(short.text));
    if (lines.length !== 1) continue;
    const line = lines[0]!;
    const [text] = await witness.read(page, [line.box], 'hex');
    const labelChars = line.text.replace(/\s+/g, '').length - short.text.length;
    const value = agreeing(text ?? '', short.text, short.gapAt, labelChars);
    if (value === null) continue;
    filled = {
      ...filled,
      [field]: value,
      confidence: { ...filled.confidence, [field]: Math.round(Math.min(SEAL_COVERED_CEILING, short.confidence) * 1000) / 1000 },
    };
  }
  return filled;
}

/**
 * The witness's value when it ends with the identifier's full length, every digit PP-OCR read in its
 * place and a digit in the gap; before it no more characters than the label printed there (No. read
 * as 0, or nothing: the whitelist has no letters for it).
 */
function agreeing(witnessed: string, read: string, gapAt: number, labelChars: number): string | null {
  const value = identifierAfterLabel(witnessed, read.length, labelChars);
  if (value === null || !/^\d+$/.test(value)) return null;
  return Array.from(read).every((char, i) => i === gapAt || digitsOnly(char) === value[i]) ? value : null;
}

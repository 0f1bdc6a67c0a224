import { describe, expect, it } from 'vitest';
import type { CharRivals, TextFragment } from '../engines/engine';
import { rowsOf } from '../layout/rows';
import { TRUSTED } from './infer';
import { readPayerName } from './fields';
import { SURNAMES, surnameConfidence } from './surnames';

/** What PP-OCR weighed for the 覃 of 覃杰明 on a blurred phone photo (jiangxi-paper, 1,193 px wide). */
const QIN_ON_THE_PHOTO: CharRivals = {
  read: 0.733,
  others: [
    ['尊', 0.072],
    ['草', 0.063],
    ['', 0.038],
    ['章', 0.032],
    ['翼', 0.011],
    ['单', 0.006],
    ['覆', 0.004],
    ['蕈', 0.003],
    ['谭', 0.002],
    ['贾', 0.002],
  ],
};

/** The 交款人 line as PP-OCR gives it: label, then the name, its first character with its rivals. */
function payerLine(name: string, first: number, rivals?: CharRivals): TextFragment {
  const text = `交款人:${name}`;
  const chars = Array.from(text, (_, i) => (i === 4 ? first : 0.99));
  return { text, chars, box: { x0: 0, y0: 0, x1: 300, y1: 30 }, ...(rivals ? { rivals: { 4: rivals } } : {}) };
}

describe("a name's first character weighed among the surnames", () => {
  it('trusts 覃 when what it was weighed against begins no name or is a surname far behind', () => {
    const confidence = surnameConfidence('覃', 0.733, QIN_ON_THE_PHOTO);
    expect(confidence).toBeGreaterThanOrEqual(TRUSTED);
    // 0.733 against 章 0.032, 单 0.006, 谭 0.002, 贾 0.002 and the 0.034 nobody scored.
    expect(confidence).toBeCloseTo(0.733 / (0.733 + 0.042 + 0.034), 3);
    expect(readPayerName(rowsOf([payerLine('覃杰明', 0.733, QIN_ON_THE_PHOTO)]))).toEqual({ value: '覃杰明', confidence });
  });

  it('counts a listed surname among the rivals against the one read', () => {
    const close: CharRivals = {
      read: 0.6,
      others: [
        ['章', 0.3],
        ['草', 0.08],
      ],
    };
    expect(SURNAMES.has('章')).toBe(true);
    expect(surnameConfidence('覃', 0.6, close)).toBeCloseTo(0.6 / (0.6 + 0.3 + 0.02), 3);
    expect(surnameConfidence('覃', 0.6, close)).toBeLessThan(TRUSTED);
  });

  it('counts what the recogniser kept no score for against the one read: it may be a surname', () => {
    const thin: CharRivals = { read: 0.7, others: [['草', 0.1]] };
    expect(surnameConfidence('覃', 0.7, thin)).toBeCloseTo(0.7 / (0.7 + 0.2), 3);
    expect(surnameConfidence('覃', 0.7, thin)).toBeLessThan(TRUSTED);
  });

  it('leaves a character read that begins no listed name as it was read, however its rivals stand', () => {
    const grassFirst: CharRivals = {
      read: 0.371,
      others: [
        ['覃', 0.345],
        ['章', 0.087],
      ],
    };
    expect(SURNAMES.has('草')).toBe(false);
    expect(surnameConfidence('草', 0.371, grassFirst)).toBe(0.371);
    expect(readPayerName(rowsOf([payerLine('草杰明', 0.371, grassFirst)]))).toEqual({ value: '草杰明', confidence: 0.371 });
  });

  it('leaves a surname the recogniser did not favour over all else together as read: its alphabet may lack the one printed', () => {
    // 禚, which PP-OCR's alphabet lacks, on a scanned PDF: its mass spread over look-alikes and the blank.
    const spread: CharRivals = {
      read: 0.415,
      others: [
        ['', 0.235],
        ['蕉', 0.15],
        ['糕', 0.138],
        ['羔', 0.012],
        ['樵', 0.011],
      ],
    };
    expect(surnameConfidence('从', 0.415, spread)).toBe(0.415);
  });

  it('keeps a character another check held below what the recogniser gave it (a glyph dropped beside it)', () => {
    expect(surnameConfidence('覃', 0.3, QIN_ON_THE_PHOTO)).toBe(0.3);
  });

  it('weighs only the first character: the rest of the name, and what the match holds after it, count as read', () => {
    const line = payerLine('覃杰明', 0.733, QIN_ON_THE_PHOTO);
    line.chars[5] = 0.8;
    expect(readPayerName(rowsOf([line])).confidence).toBe(0.8);
    // No rivals recorded (a PDF's text layer, tesseract): the character's own confidence.
    expect(readPayerName(rowsOf([payerLine('覃杰明', 0.733)])).confidence).toBe(0.733);
  });
});

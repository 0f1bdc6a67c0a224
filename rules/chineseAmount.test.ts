import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fenToChineseWords, parseChineseAmount } from './chineseAmount';

describe('parseChineseAmount', () => {
  it.each([
    ['壹仟零伍元整', 100500n],
    ['玖拾元伍角', 9050n],
    ['玖拾元伍角整', 9050n],
    ['壹亿零伍万元整', 10005000000n],
    ['叁万贰仟玖佰壹拾壹元伍角肆分', 3291154n],
    ['贰万玖仟零贰元玖角陆分', 2900296n],
    ['壹佰元零伍分', 10005n],
    ['壹佰元零角伍分', 10005n],
    ['壹仟陆佰捌拾元零叁角贰分', 168032n], // 零 at the 元 place may be written …
    ['壹仟陆佰捌拾元叁角贰分', 168032n], // … or left out
    ['壹拾万零柒仟元伍角叁分', 10700053n],
    ['壹拾万柒仟元伍角叁分', 10700053n],
    ['壹万零伍佰元整', 1050000n],
    ['壹拾元整', 1000n],
    ['拾元整', 1000n], // a leading 拾 means 壹拾
    ['拾伍万元整', 15000000n],
    ['零元整', 0n],
    ['伍角', 50n],
    ['叁分', 3n],
    ['壹圆正', 100n],
    ['壹亿元整', 10000000000n],
    ['玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分', 99999999999999n],
    ['壹亿零壹元整', 10000000100n],
    ['壹亿壹仟万元整', 11000000000n],
    ['壹佰元', 10000n],
  ])('%s = %d fen', (words, fen) => {
    expect(parseChineseAmount(words)).toBe(fen);
  });

  it.each([
    ['', 'empty'],
    ['整', 'nothing but 整'],
    ['壹佰', 'no 元'],
    ['壹元零伍角', '零 with nothing missing before 角'],
    ['壹仟零伍佰元整', '零 with nothing missing'],
    ['壹仟零零伍元整', 'double 零'],
    ['壹佰零元整', '零 before 元'],
    ['壹仟元伍角肆分整', '整 after 分'],
    ['壹佰伍拾元伍分伍角', '角 after 分'],
    ['壹佰佰元整', 'place twice'],
    ['伍拾壹佰元整', 'places out of order'],
    ['壹伍元整', 'two digits in a row'],
    ['壹万亿元整', '万亿 is beyond the grammar'],
    ['壹亿万元整', 'empty 万 section'],
    ['元整', 'no integer words before 元'],
    ['壹佰元元整', 'two 元'],
    ['壹百元整', 'lower-case 百'],
    ['一百元整', 'lower-case digits'],
    ['壹佰元整整', 'two 整'],
    ['零伍元整', 'leading 零'],
    ['壹万拾元整', '拾 without a digit inside'],
    ['壹佰元零', 'dangling 零'],
  ])('rejects %j (%s)', (words) => {
    expect(parseChineseAmount(words)).toBeNull();
  });
});

describe('fenToChineseWords', () => {
  it.each([
    [100500n, '壹仟零伍元整'],
    [9050n, '玖拾元伍角'],
    [10005000000n, '壹亿零伍万元整'],
    [10000000500n, '壹亿零伍元整'],
    [1050000n, '壹万零伍佰元整'],
    [1000n, '壹拾元整'],
    [10005n, '壹佰元零伍分'],
    [1640902n, '壹万陆仟肆佰零玖元零贰分'],
    [0n, '零元整'],
    [50n, '伍角'],
    [1n, '壹分'],
    [10000000000n, '壹亿元整'],
    [1000000n, '壹万元整'],
    [100000100n, '壹佰万零壹元整'],
  ])('%d fen → %s', (fen, words) => {
    expect(fenToChineseWords(fen)).toBe(words);
  });

  it('refuses amounts it cannot write', () => {
    expect(() => fenToChineseWords(-1n)).toThrow(RangeError);
    expect(() => fenToChineseWords(10n ** 14n)).toThrow(RangeError);
  });

  it('round-trips words → amount → words up to 10^8 yuan (property)', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 10n ** 10n), (fen) => {
        const words = fenToChineseWords(fen);
        const parsed = parseChineseAmount(words);
        return parsed === fen && fenToChineseWords(parsed) === words;
      }),
      { numRuns: 5000 },
    );
  });

  it('round-trips amounts made of few non-zero digits, where 零 matters (property)', () => {
    const sparse = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 3 })
      .map((terms) => terms.reduce((fen, [place, digit]) => fen + BigInt(digit) * 10n ** BigInt(place), 0n));
    fc.assert(
      fc.property(sparse, (fen) => {
        const clamped = fen > 10n ** 10n ? fen % 10n ** 10n : fen;
        return parseChineseAmount(fenToChineseWords(clamped)) === clamped;
      }),
      { numRuns: 3000 },
    );
  });
});

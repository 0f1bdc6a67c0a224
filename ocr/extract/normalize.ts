/**
 * Character normalisation before matching labels: full-width forms to ASCII (：→:, （→(, ￥→¥),
 * accented Latin letters to plain ones (é→e), whitespace dropped. Values keep their characters;
 * field parsers decide what a character means.
 */

const SPECIAL: Readonly<Record<string, string>> = {
  '￥': '¥',
  '：': ':',
  '（': '(',
  '）': ')',
  '〈': '(',
  '〉': ')',
  '《': '(',
  '》': ')',
  '【': '(',
  '】': ')',
  '〔': '(',
  '〕': ')',
  '。': '.',
  '，': ',',
  '－': '-',
  '—': '-',
  '―': '-',
  '﹡': '*',
  '＊': '*',
  '×': '*',
  '│': '|',
  // CJK Radicals Supplement forms, which NFKC leaves alone, and glyph variants that fonts built
  // for Traditional Chinese map their shared glyphs to.
  '⻔': '门',
  '⻆': '角',
  '⻓': '长',
  '⻢': '马',
  '⻅': '见',
  '⻉': '贝',
  '⻋': '车',
  '⻘': '青',
  '⻝': '食',
  '⻜': '飞',
  '⻚': '页',
  '⻛': '风',
  '⻰': '龙',
  '⻬': '齐',
  '⻩': '黄',
  '⻥': '鱼',
  '⻦': '鸟',
  '⻨': '麦',
  '⻮': '齿',
  '⻄': '西',
  '⻁': '虎',
  '⻊': '足',
  '⻣': '骨',
  '⻤': '鬼',
  '⻧': '卤',
  '⻭': '鼠',
  '⻯': '龟',
  '⻖': '阝',
  '⻏': '阝',
  '⻗': '雨',
  戶: '户',
  '⺠': '民',
  '⺟': '母',
  '⺩': '王',
  '⻑': '长',
  '⻒': '镸',
};

/** The normal form of one character; '' for whitespace. */
export function normalizeChar(char: string): string {
  if (/\s/.test(char) || char === '\u3000') return '';
  const special = SPECIAL[char];
  if (special !== undefined) return special;
  // A receipt prints no accented letter: an é in a 校验码 is the recogniser's e with a speck above it.
  if (/[\u00c0-\u024f]/.test(char)) return char.normalize('NFD').replace(/\p{M}/gu, '');
  // NFKC folds full-width ASCII (１２３ → 123) and the Kangxi radicals some PDF fonts map their
  // glyphs to (⼆ U+2F06 → 二) onto the characters everyone else uses.
  return Array.from(char.normalize('NFKC'), (folded) => SPECIAL[folded] ?? folded).join('');
}

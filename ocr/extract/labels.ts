/**
 * The labels receipts print before their values, per field: every province words them its own way
 * (医保统筹基金支付, 统筹基金, 基金支付…), so each field has a list of synonyms (ocr/README.md). They
 * are matched tolerantly: characters recognisers confuse count as one another, and a label of four
 * characters or more may have any one character misread, as long as that looser form cannot be
 * another field's label. Colons and spaces around a label are the value patterns' business (normalised
 * text has no spaces; `GAP` takes colons, semicolons and cell separators).
 */

/** The fields found by a label. Items are found by their table, not by a label. */
export type LabelledField =
  | 'code'
  | 'number'
  | 'checkCode'
  | 'issueDate'
  | 'payerName'
  | 'payerId'
  | 'hospitalName'
  | 'total'
  | 'totalInWords'
  | 'fundPaid'
  | 'accountPaid'
  | 'cashPaid';

/** Synonyms per field, as printed after normalisation (full-width brackets and colons folded). */
export const LABEL_SYNONYMS: Readonly<Record<LabelledField, readonly string[]>> = {
  code: ['票据代码', '票据代号'],
  number: ['票据号码', '票据号', '票号', 'NO', 'No', 'N0', 'No.', '№'],
  checkCode: ['校验码', '检验码', '校验号'],
  issueDate: ['开票日期', '开具日期', '收费日期', '填开日期', '日期'],
  payerName: ['交款人姓名', '交款人', '缴款人', '患者姓名', '病人姓名', '就诊人', '姓名'],
  payerId: ['统一社会信用代码', '社会信用代码', '公民身份号码', '身份证号码', '身份证号', '证件号码', '证件号'],
  hospitalName: ['医疗机构名称', '医疗机构', '医院名称', '收款单位', '收费单位', '开票单位', '就诊医院', '就诊机构'],
  total: ['合计(小写)', '金额合计(小写)', '小写', '合计金额', '金额合计', '总金额', '合计'],
  totalInWords: ['金额合计(大写)', '合计(大写)', '人民币大写', '金额大写', '大写'],
  fundPaid: ['医保统筹基金支付', '统筹基金支付', '医保统筹支付', '医保基金支付', '统筹基金', '统筹支付', '基金支付', '医保支付'],
  accountPaid: ['个人账户支付', '个人帐户支付', '个人账户', '个人帐户', '账户支付', '帐户支付', '个账支付', '个账'],
  cashPaid: ['个人现金支付', '个人现金', '现金支付', '个人自付', '自付金额', '自付'],
};

/**
 * Characters recognisers print for one another in label words. Each group is one character class:
 * any of them matches any other. Only groups whose members never start a different label word.
 */
const CONFUSABLE_GROUPS = [
  '账帐胀',
  '户戶尸',
  '统纺',
  '筹寿',
  '款欵软',
  '码玛吗',
  '号弓',
  '医区',
  '疗疔',
  '构枸',
  '据剧',
  '验脸捡',
  '姓娃',
  '名各',
  '额頞',
  '计汁针',
  '写与',
  '付讨衬',
  '现观',
  '金全',
  '缴徼',
  '患串',
  '诊珍',
  '机杌',
  '盖善',
  '章竟',
  '校枝',
  '票栗',
  '期朝',
  '开幵',
];
const CONFUSABLE = new Map<string, string>();
for (const group of CONFUSABLE_GROUPS) for (const char of group) CONFUSABLE.set(char, group);

/** Any one CJK character (a misread label character). */
const ANY_CJK = '[\\u4e00-\\u9fa5]';

function escape(char: string): string {
  return /[.*+?^${}()|[\]\\]/.test(char) ? `\\${char}` : char;
}

function charClass(char: string): string {
  const group = CONFUSABLE.get(char);
  return group ? `[${group}]` : escape(char);
}

/** The exact-but-for-confusions pattern of one synonym. */
function tolerantForm(label: string): string {
  return Array.from(label, charClass).join('');
}

/** The synonym with its `at`-th character (a CJK one) replaced by any character. */
function withOneMisread(label: string, at: number): string {
  return Array.from(label, (char, i) => (i === at ? ANY_CJK : charClass(char))).join('');
}

function otherFieldsLabels(field: LabelledField): string[] {
  return (Object.keys(LABEL_SYNONYMS) as LabelledField[]).filter((other) => other !== field).flatMap((other) => LABEL_SYNONYMS[other]);
}

/** The regular expression source that matches any label of `field` (no capture groups). */
function labelSource(field: LabelledField): string {
  const others = otherFieldsLabels(field);
  const forms: string[] = [];
  // Longest first, so that 统筹基金支付 is taken whole rather than as 统筹基金 + a stray 支付.
  const synonyms = [...LABEL_SYNONYMS[field]].sort((a, b) => b.length - a.length);
  for (const label of synonyms) {
    forms.push(tolerantForm(label));
    const chars = Array.from(label);
    if (chars.length < 4) continue;
    chars.forEach((char, at) => {
      if (!/[\u4e00-\u9fa5]/.test(char)) return;
      const loose = withOneMisread(label, at);
      // A looser form that would read another field's label (现金支付 with one character misread
      // is also 基金支付) is no form of this one.
      const looseRegex = new RegExp(loose);
      if (!others.some((other) => looseRegex.test(other))) forms.push(loose);
    });
  }
  return `(?:${forms.join('|')})`;
}

const cache = new Map<LabelledField, string>();

/** `labelSource`, computed once per field. */
export function label(field: LabelledField): string {
  let source = cache.get(field);
  if (source === undefined) cache.set(field, (source = labelSource(field)));
  return source;
}

/**
 * Words that end a free-text value (a name, a hospital) when the recogniser ran two cells together:
 * every label of three characters or more, and the signature fields printed beside them.
 */
export function nextLabelPattern(): RegExp {
  const words = Object.values(LABEL_SYNONYMS)
    .flat()
    .filter((word) => /^[\u4e00-\u9fa5]{3,}$/.test(word));
  const signatures = ['开票日期', '开票', '身份证', '复核人', '收款人', '收费员', '开票人', '校验码', '票据', '交款人'];
  const all = [...new Set([...words, ...signatures])].sort((a, b) => b.length - a.length).map(tolerantForm);
  return new RegExp(`(${all.join('|')}|\\||$)`);
}

/** The two-character label words (姓名, 日期, 合计…): too short to end a value, but never a value themselves. */
export function shortLabelWords(): string[] {
  return [...new Set(Object.values(LABEL_SYNONYMS).flat())].filter((word) => /^[\u4e00-\u9fa5]{2}$/.test(word)).map(tolerantForm);
}

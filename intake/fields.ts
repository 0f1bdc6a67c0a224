/**
 * Field schemas for intake cells: each takes the cell's text (undefined when empty) and gives the
 * typed value, with a Chinese message that names the column and the value when it cannot.
 */
import { z } from 'zod';
import { idCheckCharacter, idNumberProblems, maskIdNumber } from '../rules/idNumber';

/** A non-empty text cell; `label` is the column header used in messages. */
export function requiredText(label: string, maxLength = 100) {
  return z
    .string({ error: () => `${label}为空` })
    .trim()
    .min(1, { error: `${label}为空` })
    .max(maxLength, { error: (iss) => `${label}「${String(iss.input).slice(0, 20)}…」过长，最多 ${maxLength} 个字符` });
}

const CASE_ID_PATTERN = /^(LS|TR|RB)-(\d{4})-(\d{4,})$/;

/** 案件编号: the business prefix, a year and a serial of at least 4 digits; the prefix must match the sheet. */
export function caseIdField(prefix: 'LS' | 'TR' | 'RB', sheet: string) {
  return requiredText('案件编号', 40)
    .transform((v) => v.toUpperCase())
    .superRefine((v, ctx) => {
      const match = CASE_ID_PATTERN.exec(v);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `案件编号「${v}」格式不对，应为 业务前缀-年份-序号，如 ${prefix}-2025-0001` });
      } else if (match[1] !== prefix) {
        ctx.addIssue({
          code: 'custom',
          message: `案件编号「${v}」的前缀 ${match[1]} 与工作表「${sheet}」不符：该表的案件编号应以 ${prefix}- 开头`,
        });
      }
    });
}

/** A `YYYY-MM-DD` text that is a real calendar date. */
export function isoDateField(label: string) {
  return requiredText(label, 40).superRefine((v, ctx) => {
    if (!isIsoDate(v)) {
      ctx.addIssue({ code: 'custom', message: `${label}「${v}」不是有效日期，应为 Excel 日期或 YYYY-MM-DD 文本，如 2025-03-05` });
    }
  });
}

/** True for `YYYY-MM-DD` naming a day that exists. */
function isIsoDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** 姓名: Chinese or other letters, with the middle dot of minority names; no digits. */
export const personNameField = requiredText('姓名', 30).superRefine((v, ctx) => {
  if (/[\p{Cc}\p{Cf}]/u.test(v)) {
    // Zero-width and direction-override characters make a name look like another one on screen.
    ctx.addIssue({ code: 'custom', message: `姓名「${visible(v)}」含有不可见的控制字符，请重新录入` });
  } else if (/[\d@#$%^&*()=+<>/\\|"'`;{}[\]]/.test(v)) {
    ctx.addIssue({ code: 'custom', message: `姓名「${v}」含有数字或符号，请核对` });
  }
});

/** The text with each control or format character shown as its code point, e.g. 张<U+202E>伟. */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}

/** 身份证号: 18 characters, GB 11643 checksum, a real birth date. Lower-case x is accepted as X. */
export const idNumberField = requiredText('身份证号', 40)
  .transform((v) => v.toUpperCase())
  .superRefine((v, ctx) => {
    for (const problem of idNumberProblems(v)) {
      ctx.addIssue({ code: 'custom', message: idProblemMessage(v, problem) });
    }
  });

/**
 * The clerk finds the row by sheet and row number; the message shows the number masked, because it
 * travels on into the result workbook, the dashboard's download and the logs. Nothing in it gives
 * back the hidden digits (the birth-date problem names the positions, not the digits).
 */
function idProblemMessage(id: string, problem: ReturnType<typeof idNumberProblems>[number]): string {
  const shown = maskIdNumber(id);
  switch (problem) {
    case 'length':
      // First-generation cards carry 15 digits; the core system keys people by the 18-digit number.
      return id.length === 15 && /^\d{15}$/.test(id)
        ? `身份证号「${shown}」是 15 位旧号码，应为 18 位：请录入换发后的 18 位号码`
        : `身份证号「${shown}」应为 18 位，实际 ${id.length} 位`;
    case 'format':
      return `身份证号「${shown}」格式不对：前 17 位应为数字，末位为数字或 X`;
    case 'checksum':
      return `身份证号「${shown}」校验位错误：按前 17 位应为 ${idCheckCharacter(id.slice(0, 17))}，实际为 ${id[17]}`;
    case 'birthDate':
      return `身份证号「${shown}」中的出生日期（第 7–14 位）不是有效日期`;
    case 'sex':
      return `身份证号「${shown}」的性别位与登记性别不符`;
  }
}

// 省级行政区划代码 (GB/T 2260): the first two digits of every real region code.
const PROVINCE_CODES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

/** 转出地区划: a 6-digit administrative division code with a real province prefix. */
export const regionCodeField = requiredText('转出地区划', 20).superRefine((v, ctx) => {
  if (!/^\d{6}$/.test(v)) {
    ctx.addIssue({ code: 'custom', message: `转出地区划「${v}」应为 6 位数字的行政区划代码，如 360700` });
  } else if (!PROVINCE_CODES.has(v.slice(0, 2))) {
    ctx.addIssue({ code: 'custom', message: `转出地区划「${v}」的前两位 ${v.slice(0, 2)} 不是有效的省级代码` });
  }
});

/** 医疗机构编码: H and 8 digits (the bureau's 定点 registry numbering). */
export const hospitalCodeField = requiredText('医疗机构编码', 20)
  .transform((v) => v.toUpperCase())
  .superRefine((v, ctx) => {
    if (!/^H\d{8}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: `医疗机构编码「${v}」格式不对，应为 H 加 8 位数字，如 H44040017` });
    }
  });

/** A Chinese option list mapped to its code, e.g. 住院 → inpatient. */
function choiceField<const Code extends string>(
  label: string,
  options: Record<string, Code>,
  shown: readonly string[] = Object.keys(options),
) {
  return requiredText(label, 20).transform((v, ctx): Code => {
    const code = options[v];
    if (code === undefined) {
      ctx.addIssue({ code: 'custom', message: `${label}「${v}」无效，应为 ${shown.join('、')} 之一` });
      return z.NEVER;
    }
    return code;
  });
}

export const visitKindField = choiceField('就诊类型', { 住院: 'inpatient', 门诊: 'outpatient' });
export const remoteField = choiceField('异地就医', { 本地: 'local', 已备案: 'filed', 转诊: 'referral', 未备案: 'unfiled' });
export const detailClassField = choiceField('类别', { 甲: 'A', 乙: 'B', 丙: 'C', 甲类: 'A', 乙类: 'B', 丙类: 'C' }, ['甲', '乙', '丙']);

/**
 * 票据: attachment file names separated by `;` (a full-width ；too). Each must stay inside the
 * attachments folder: no `..` segment, no absolute path or drive letter, no backslash.
 */
export const attachmentsField = requiredText('票据', 2000).transform((v, ctx) => {
  const names = v
    .split(/[;；]/)
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) {
    ctx.addIssue({ code: 'custom', message: `票据「${v}」中没有文件名` });
    return z.NEVER;
  }
  for (const name of names) {
    const problem = attachmentNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: `票据文件名「${name}」${problem}` });
  }
  return names;
});

/** Why a name cannot be an attachment's, in Chinese; null when it can. */
export function attachmentNameProblem(name: string): string | null {
  if (/\p{Cc}/u.test(name)) return '含有控制字符（如 NUL），不是有效的文件名';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) return '是网址，请提供票据文件本身';
  if (name.includes('\\')) return '含有反斜杠 \\，请使用文件名或 / 分隔的相对路径';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return '是绝对路径，只能写附件目录下的相对路径';
  if (name.split('/').some((segment) => segment === '..')) return '含有 ..，不允许指向附件目录之外';
  // What Windows forbids in a file name: no such file can have come from the front desk's folder.
  if (/[<>:"|?*]/.test(name)) return '含有文件名中不允许的字符 < > : " | ? *';
  if (Buffer.byteLength(name) > 255) return `过长（${Buffer.byteLength(name)} 字节，最多 255 字节）`;
  return null;
}

/** 金额: a positive decimal with at most two places, normalised to two (`"12.5"` → `"12.50"`). */
export const moneyField = requiredText('金额', 40).transform((v, ctx) => {
  const plain = v.replace(/^[¥￥]/, '').replace(/,(?=\d{3}(\D|$))/g, '');
  if (/^-\s*[¥￥]?\d/.test(plain)) {
    ctx.addIssue({ code: 'custom', message: `金额「${v}」是负数：费用明细的金额应大于 0，退费冲减请在核心系统中处理` });
    return z.NEVER;
  }
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(plain);
  if (!match) {
    const tooPrecise = /^\d+\.\d{3,}$/.test(plain);
    ctx.addIssue({
      code: 'custom',
      message: tooPrecise ? `金额「${v}」超过两位小数（分）` : `金额「${v}」不是有效金额，应为数字，最多两位小数，如 1234.50`,
    });
    return z.NEVER;
  }
  const yuan = String(BigInt(match[1]!));
  const fen = (match[2] ?? '').padEnd(2, '0');
  if (yuan === '0' && fen === '00') {
    ctx.addIssue({ code: 'custom', message: `金额「${v}」应大于 0` });
    return z.NEVER;
  }
  return `${yuan}.${fen}`;
});

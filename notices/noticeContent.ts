/**
 * What a notice to the applicant says, as text blocks: 决定书 for an approval, 不予受理告知书 for a
 * rejection. Pure, so its wording is tested without drawing a PDF.
 */
import { z } from 'zod';
import { BUSINESS_NAMES } from '../rules/caseTypes';
import { ruleById } from '../rules/catalogue';
import { CaseTypeSchema } from '../rules/schemas';
import { maskIdNumbersIn } from '../rules/idNumber';
import { policyVersionPart } from '../audit/ruleSetVersion';
import type { Block } from '../reports/pdfDocument';

// A notice is a formal document: it names the transfer business by its full title.
const TYPE_NAMES = { ...BUSINESS_NAMES, transfer: '基本医疗保险关系转移接续' } as const;

export const NoticeBureau = z.object({
  /** The issuing bureau, e.g. 珠海市医疗保障局. */
  name: z.string().min(1),
  /** Where an administrative reconsideration is applied for (行政复议机关). */
  reconsiderationBody: z.string().min(1),
});
export type NoticeBureau = z.infer<typeof NoticeBureau>;

export const defaultBureau: NoticeBureau = { name: '市医疗保障局', reconsiderationBody: '市人民政府' };

/** A final decision as the notice needs it; built from the audit trail by noticeRecordFromEvents. */
export const NoticeRecord = z.object({
  caseId: z.string().min(1),
  type: CaseTypeSchema,
  outcome: z.enum(['approve', 'reject']),
  amount: z
    .string()
    .regex(/^\d+\.\d{2}$/)
    .nullable(),
  person: z.object({ name: z.string().min(1), idNumber: z.string().min(4) }),
  /** The failed rules with their messages (for a rejection: the grounds). */
  failed: z.array(z.object({ rule: z.string(), message: z.string() })),
  /** The rules applied, each with its result. */
  applied: z.array(z.object({ rule: z.string(), result: z.enum(['pass', 'fail', 'skip']) })),
  policyVersion: z.string().nullable(),
  /** Each applied rule's basis (文号 and article) under the parameter version that decided; a rule without one is cited by none. */
  citations: z.record(z.string(), z.string()).default({}),
  /** YYYY-MM-DD, Beijing date of the decision. */
  decidedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Who decided when a clerk overrode the rules (their comment is the grounds then). */
  reviewedBy: z.string().nullable().default(null),
  reviewComment: z.string().nullable().default(null),
});
export type NoticeRecord = z.input<typeof NoticeRecord>;

/** 身份证号 on a notice: the bureau's practice shows the last four characters only. */
export function lastFourOnly(idNumber: string): string {
  return '*'.repeat(Math.max(0, idNumber.length - 4)) + idNumber.slice(-4);
}

/** The notice's title by outcome. */
export function noticeTitle(outcome: 'approve' | 'reject'): string {
  return outcome === 'approve' ? '决定书' : '不予受理告知书';
}

/** The appeal paragraph every notice carries (行政复议 within sixty days, 行政诉讼 within six months). */
export function appealText(bureau: NoticeBureau): string {
  return `如不服本决定，可自收到本决定书之日起六十日内向${bureau.reconsiderationBody}申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。`;
}

const ruleTitle = (id: string): string => ruleById(id)?.title ?? id;
const RESULT_WORDS = { pass: '符合', fail: '不符合', skip: '不适用' } as const;

/** The rule's basis with its lead-in, or nothing when the version cites none for it. */
function basisOf(r: { citations: Record<string, string> }, rule: string, lead: string, end = ''): string {
  const basis = r.citations[rule];
  return basis ? `${lead}${basis}${end}` : '';
}

function chineseDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** The notice's text blocks, 身份证号 masked everywhere (last four shown in the header only). */
export function noticeBlocks(input: NoticeRecord, bureau: NoticeBureau = defaultBureau): Block[] {
  const r = NoticeRecord.parse(input);
  const business = TYPE_NAMES[r.type];
  // Rule messages are written for clerks and may quote an ID number: never on the applicant's paper.
  const mask = (text: string) => maskIdNumbersIn(text);
  const blocks: Block[] = [
    { kind: 'title', text: `${bureau.name}\n${business}${noticeTitle(r.outcome)}` },
    { kind: 'small', text: `文号：${r.caseId}` },
    { kind: 'paragraph', text: `申请人：${r.person.name}　身份证号：${lastFourOnly(r.person.idNumber)}` },
  ];
  if (r.outcome === 'approve') {
    blocks.push({
      kind: 'paragraph',
      text:
        `你（单位）提交的${business}申请（案件编号 ${r.caseId}），经审核，符合规定，决定予以办理。` +
        (r.amount === null ? '' : r.type === 'lump-sum' ? `应趸缴金额：人民币 ${r.amount} 元。` : `核定支付金额：人民币 ${r.amount} 元。`),
    });
  } else {
    blocks.push({
      kind: 'paragraph',
      text: `你（单位）提交的${business}申请（案件编号 ${r.caseId}），经审核，不符合下列规定，决定不予受理：`,
    });
    r.failed.forEach((f, i) =>
      blocks.push({
        kind: 'paragraph',
        text: `${i + 1}. ${ruleTitle(f.rule)}（${f.rule}）：${mask(f.message)}${basisOf(r, f.rule, '。依据：')}`,
      }),
    );
  }
  if (r.reviewedBy !== null && r.reviewComment) blocks.push({ kind: 'paragraph', text: `审核意见：${mask(r.reviewComment)}` });
  blocks.push({ kind: 'heading', text: '适用规则' });
  blocks.push({
    kind: 'paragraph',
    text:
      r.applied.map((a) => `${a.rule} ${ruleTitle(a.rule)}：${RESULT_WORDS[a.result]}${basisOf(r, a.rule, '，依据 ', '')}`).join('；') +
      '。',
  });
  // The applicant reads the parameter version; the digest and build stay in the audit trail.
  if (r.policyVersion) blocks.push({ kind: 'small', text: `参数版本：${policyVersionPart(r.policyVersion)}` });
  blocks.push({ kind: 'heading', text: '救济途径' });
  blocks.push({ kind: 'paragraph', text: appealText(bureau) });
  blocks.push({ kind: 'paragraph', text: `${bureau.name}\n${chineseDate(r.decidedOn)}` });
  return blocks;
}

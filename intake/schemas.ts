/**
 * One intake row per sheet (INTAKE.md), from cell text to typed fields. The inferred `IntakeRow`
 * is what a batch carries to the case workflows: the application fields only; everything else
 * the bots read from the core system.
 */
import { z } from 'zod';
import { SHEET } from './sheets';
import {
  attachmentsField,
  caseIdField,
  detailClassField,
  hospitalCodeField,
  idNumberField,
  isoDateField,
  moneyField,
  personNameField,
  regionCodeField,
  remoteField,
  requiredText,
  visitKindField,
} from './fields';

const rowNumber = z.number().int().positive();

export const lumpSumRowSchema = z.object({
  type: z.literal('lump-sum'),
  sheet: z.literal(SHEET.lumpSum),
  rowNumber,
  caseId: caseIdField('LS', SHEET.lumpSum),
  applicationDate: isoDateField('申请日期'),
  name: personNameField,
  idNumber: idNumberField,
});

export const transferRowSchema = z.object({
  type: z.literal('transfer'),
  sheet: z.literal(SHEET.transfer),
  rowNumber,
  caseId: caseIdField('TR', SHEET.transfer),
  applicationDate: isoDateField('申请日期'),
  name: personNameField,
  idNumber: idNumberField,
  fromRegion: regionCodeField,
});

/** A 费用明细 row as read from its sheet, before it joins its 零星报销 case. */
export const detailRowSchema = z.object({
  sheet: z.literal(SHEET.details),
  rowNumber,
  caseId: caseIdField('RB', SHEET.details),
  name: requiredText('项目名称', 100),
  class: detailClassField,
  amount: moneyField,
  date: isoDateField('日期'),
});

/** A 费用明细 line once attached to its case: already typed, so checked for shape only. */
const detailLineSchema = z.object({
  rowNumber,
  name: z.string().min(1),
  class: z.enum(['A', 'B', 'C']),
  amount: z.string().regex(/^\d+\.\d{2}$/),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

/** Who applied and for which case: the same whether the row is read from its cells or carried typed. */
const reimbursementApplicant = {
  type: z.literal('reimbursement'),
  sheet: z.literal(SHEET.reimbursement),
  rowNumber,
  caseId: caseIdField('RB', SHEET.reimbursement),
  applicationDate: isoDateField('申请日期'),
  name: personNameField,
  idNumber: idNumberField,
};

export const reimbursementRowSchema = z
  .object({
    ...reimbursementApplicant,
    visitKind: visitKindField,
    hospitalCode: hospitalCodeField,
    admissionDate: isoDateField('入院日期'),
    dischargeDate: isoDateField('出院日期'),
    remote: remoteField,
    reason: requiredText('报销原因', 200),
    attachments: attachmentsField,
    details: z.array(detailLineSchema).min(1, { error: `没有费用明细：「${SHEET.details}」表中没有该案件的行` }),
  })
  .superRefine((row, ctx) => {
    // ISO dates compare correctly as text.
    if (row.dischargeDate < row.admissionDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['dischargeDate'],
        message: `出院日期 ${row.dischargeDate} 早于入院日期 ${row.admissionDate}`,
      });
    }
  });

export type DetailLine = z.output<typeof detailLineSchema>;
/** A valid application row of the workbook, with where it came from (`sheet`, Excel `rowNumber`). */
export type IntakeRow = z.output<typeof lumpSumRowSchema> | z.output<typeof transferRowSchema> | z.output<typeof reimbursementRowSchema>;

/**
 * A valid row as it travels from the batch to its case workflow: already typed, so checked for
 * shape rather than read again from cell text (where 住院 became `inpatient`, `a;b` became a list).
 */
const carriedReimbursementRowSchema = z.object({
  ...reimbursementApplicant,
  visitKind: z.enum(['inpatient', 'outpatient']),
  hospitalCode: hospitalCodeField,
  admissionDate: isoDateField('入院日期'),
  dischargeDate: isoDateField('出院日期'),
  remote: z.enum(['local', 'filed', 'referral', 'unfiled']),
  reason: requiredText('报销原因', 200),
  attachments: z.array(z.string().min(1)).min(1),
  details: z.array(detailLineSchema).min(1),
});

export const carriedRowSchema = z.discriminatedUnion('type', [lumpSumRowSchema, transferRowSchema, carriedReimbursementRowSchema]);

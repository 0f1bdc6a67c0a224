import type { IntakeRow } from '../intake/schemas';
import type { ReceiptReading } from '../ocr/schema';

/**
 * The case file of POLICY.md, put together from what the front desk took (the intake row) and what
 * the core system holds (the facts). Where both know a field, the application's value is the one
 * the decision is about (e.g. 转出地区划); identity always comes from the system of record.
 */
export function assembleCaseFile(row: IntakeRow, facts: Record<string, unknown>, receipts: ReceiptReading[] = []): Record<string, unknown> {
  const base = { caseId: row.caseId, type: row.type, applicationDate: row.applicationDate };
  switch (row.type) {
    case 'lump-sum':
      return { ...base, ...facts };
    case 'transfer': {
      const from = (facts.from ?? {}) as Record<string, unknown>;
      return { ...base, ...facts, from: { ...from, region: row.fromRegion } };
    }
    case 'reimbursement':
      return {
        ...base,
        ...facts,
        visit: {
          kind: row.visitKind,
          hospital: facts.hospital,
          remote: row.remote,
          admissionDate: row.admissionDate,
          dischargeDate: row.dischargeDate,
          reason: row.reason,
        },
        details: row.details.map(({ name, class: cls, amount, date }) => ({ name, class: cls, amount, date })),
        // What OCR read, as read: a field it could not read stays null, and the case file is then
        // invalid until a clerk corrects it (the rules never decide on a guess).
        receipts: receipts.map(({ source: _source, layout: _layout, ...fields }) => fields),
      };
  }
}

/**
 * CPU per applicant notice (the PDF a closed case gets): renders notices of generated cases and
 * prints CPU ms per notice. `npx tsx bench/noticeBench.ts [count]`.
 */
import { generateCases } from '../fixtures/generate';
import { decide } from '../rules';
import { renderNotice } from '../notices/renderNotice';
import type { NoticeRecord } from '../notices/noticeContent';

export function noticeRecords(count: number, seed = 11): NoticeRecord[] {
  const cases = generateCases({ seed, count }).map((g) => g.caseFile);
  return cases.map((c, i) => {
    const d = decide(c);
    const checks = d.checks ?? [];
    const failed = checks.filter((k) => k.result === 'fail').map((k) => ({ rule: k.rule, message: k.message ?? '' }));
    const reject = d.outcome === 'reject' || (d.outcome === 'review' && i % 2 === 0);
    // Every third applicant gets a long name, so lines break in other places than the fixtures' own.
    const name = i % 3 === 0 ? `${c.person.name}·阿卜杜热合曼·买买提明${'艾'.repeat(i % 7)}` : c.person.name;
    return {
      caseId: c.caseId,
      type: c.type,
      outcome: reject ? 'reject' : 'approve',
      amount: reject ? null : (d.amount ?? '0.00'),
      person: { name, idNumber: c.person.idNumber },
      failed: reject
        ? failed.length
          ? failed
          : [{ rule: 'CM-01', message: `材料不全，地址：广东省珠海市香洲区${'某某路'.repeat(i % 9)}123号 (Room ${i}A, Block B)` }]
        : [],
      applied: checks.map((k) => ({ rule: k.rule, result: k.result })),
      policyVersion: d.policyVersion ?? null,
      decidedOn: '2025-03-04',
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 50);
  const records = noticeRecords(count);
  await renderNotice(records[0]!); // font load and parse: once per process, not per notice
  const start = process.cpuUsage();
  for (const r of records) await renderNotice(r);
  const used = process.cpuUsage(start);
  console.log(`${count} notices: ${((used.user + used.system) / 1000 / count).toFixed(1)} ms CPU per notice`);
}

/** `audit export CASE --out FILE.pdf|.xlsx`: the readable trail with its hashes and the verification verdict. */
import { chmodOwnerOnly, mkdirOwnerOnlyAsync, OWNER_ONLY_FILE } from '../security/ownerOnly';
import fs from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { renderTextPdf, type Block } from '../reports/pdfDocument';
import { listEvents } from '../store/auditTrail';
import type { AuditEvent } from '../store/auditEvent';
import { verifyChain, type ChainVerdict } from '../store/verifyChain';
import type { Store } from '../store';
import { actorText, masked, outcomeText, STEP_NAMES, verdictText } from './trailText';
import { beijingIso } from '../time/beijing';

export interface ExportResult {
  caseId: string;
  out: string;
  format: 'pdf' | 'xlsx';
  events: number;
  verdict: ChainVerdict;
}

/** Writes the case's trail to `out`; the format follows the extension. Throws for an unknown case. */
export async function exportCaseAudit(store: Store, caseId: string, out: string): Promise<ExportResult> {
  const ext = path.extname(out).toLowerCase();
  if (ext !== '.pdf' && ext !== '.xlsx') throw new Error(`export format must be .pdf or .xlsx: ${out}`);
  const events = await listEvents(store, caseId);
  if (events.length === 0) throw new Error(`no audit events for case ${caseId}`);
  const verdict = await verifyChain(store, caseId);
  await mkdirOwnerOnlyAsync(path.dirname(path.resolve(out)));
  if (ext === '.pdf')
    await fs.writeFile(out, await renderTextPdf(trailBlocks(caseId, events, verdict), { title: `审计轨迹 ${caseId}`, subject: caseId }), {
      mode: OWNER_ONLY_FILE,
    });
  else await writeTrailWorkbook(out, caseId, events, verdict);
  await chmodOwnerOnly(out);
  return { caseId, out: path.resolve(out), format: ext === '.pdf' ? 'pdf' : 'xlsx', events: events.length, verdict };
}

/** The PDF's text blocks: verdict first, then one entry per event with its hashes. */
function trailBlocks(caseId: string, events: readonly AuditEvent[], verdict: ChainVerdict): Block[] {
  const blocks: Block[] = [
    { kind: 'title', text: `审计轨迹 ${caseId}` },
    { kind: 'paragraph', text: verdictText(verdict) },
  ];
  for (const e of events) {
    blocks.push({ kind: 'heading', text: `#${e.seq} ${STEP_NAMES[e.step] ?? e.step}（${e.step}）` });
    blocks.push({
      kind: 'paragraph',
      text: masked(`${beijingIso(e.at)}  ${actorText(e)}${e.ruleSetVersion ? '  ' + e.ruleSetVersion : ''}  ${outcomeText(e)}`),
    });
    for (const ev of e.evidence) blocks.push({ kind: 'small', text: masked(`证据 ${ev.kind} ${ev.ref} sha256 ${ev.sha256}`) });
    blocks.push({ kind: 'small', text: `hash ${e.hash}` });
    blocks.push({ kind: 'small', text: `prev ${e.prevHash ?? '—'}` });
  }
  return blocks;
}

async function writeTrailWorkbook(out: string, caseId: string, events: readonly AuditEvent[], verdict: ChainVerdict): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zhishen';
  const sheet = wb.addWorksheet('审计轨迹');
  sheet.columns = [
    { header: '序号', key: 'seq', width: 6 },
    { header: '时间（北京时间）', key: 'at', width: 30 },
    { header: '步骤', key: 'step', width: 16 },
    { header: '步骤说明', key: 'label', width: 16 },
    { header: '执行者', key: 'actor', width: 30 },
    { header: '参数版本', key: 'version', width: 24 },
    { header: '结果', key: 'outcome', width: 30 },
    { header: '输入（JSON）', key: 'inputs', width: 60 },
    { header: '哈希', key: 'hash', width: 66 },
    { header: '前一哈希', key: 'prevHash', width: 66 },
  ];
  for (const e of events) {
    sheet.addRow({
      seq: e.seq,
      at: beijingIso(e.at),
      step: e.step,
      label: STEP_NAMES[e.step] ?? e.step,
      actor: masked(actorText(e)),
      version: e.ruleSetVersion ?? '',
      outcome: masked(outcomeText(e)),
      inputs: masked(JSON.stringify(e.inputs)),
      hash: e.hash,
      prevHash: e.prevHash ?? '',
    });
  }
  sheet.getRow(1).font = { bold: true };
  const summary = wb.addWorksheet('校验');
  summary.addRow(['案件编号', caseId]);
  summary.addRow(['事件数', events.length]);
  summary.addRow(['校验结论', verdict.ok ? '通过' : '失败']);
  summary.addRow(['说明', masked(verdictText(verdict))]);
  summary.getColumn(1).width = 12;
  summary.getColumn(2).width = 80;
  await wb.xlsx.writeFile(out);
}

/** The `issueNotice` activity: writes the applicant's notice PDF and records it in the audit trail. */
import { mkdirOwnerOnlyAsync, OWNER_ONLY_FILE } from '../security/ownerOnly';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { appendEvent, listEvents } from '../store/auditTrail';
import { createHash } from 'node:crypto';
import type { Store } from '../store';
import { defaultBureau, type NoticeBureau, type NoticeRecord } from './noticeContent';
import { noticeRecordFromEvents } from './fromTrail';
import { renderNotice } from './renderNotice';
import { citationText } from '../rules/citation';
import { ruleCitationOf, type Parameters } from '../rules/params';
import { loadPublishedParameters } from '../store/parameterVersions';

export interface NoticeDeps {
  store: Store;
  /** ZHISHEN_DATA_DIR: notices go to <dataDir>/notices/<caseId>.pdf. */
  dataDir: string;
  bureau?: NoticeBureau;
  now?: () => Date;
  version?: string;
}

export interface IssueNoticeInput {
  caseId: string;
}

export interface IssuedNotice {
  caseId: string;
  path: string;
  sha256: string;
  /** False when the case has no final approve/reject (nothing to notify yet). */
  issued: boolean;
  reason?: string;
}

/** Where a case's notice lives; case IDs are checked so no path escapes the notices folder. */
export function noticePath(dataDir: string, caseId: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(caseId) || caseId.startsWith('.')) throw new Error(`case ID not usable as a file name: ${caseId}`);
  return path.join(dataDir, 'notices', `${caseId}.pdf`);
}

/** The 文号 and article of each rule the notice names, from the parameter version that decided. */
export function citationsOf(
  params: Parameters,
  record: Pick<NoticeRecord, 'policyVersion' | 'applied' | 'failed'>,
): Record<string, string> {
  const citations: Record<string, string> = {};
  for (const { rule } of [...record.applied, ...record.failed]) {
    const cited = ruleCitationOf(params, record.policyVersion, rule);
    if (cited) citations[rule] = citationText(cited);
  }
  return citations;
}

/** Activities for the notice step; register them on the default task queue's worker. */
export function noticeActivities(deps: NoticeDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /**
     * Idempotent: the event key is per run and the file is written atomically (tmp + rename), so a
     * retry rewrites the same bytes (the PDF has fixed dates) and records nothing twice.
     */
    async issueNotice({ caseId }: IssueNoticeInput): Promise<IssuedNotice> {
      const events = await listEvents(deps.store, caseId);
      const built = noticeRecordFromEvents(caseId, events);
      const file = noticePath(deps.dataDir, caseId);
      if (!built.ok) return { caseId, path: file, sha256: '', issued: false, reason: built.reason };
      const record = { ...built.record, citations: citationsOf(await loadPublishedParameters(deps.store), built.record) };
      const bytes = await renderNotice(record, deps.bureau ?? defaultBureau).catch((err: unknown) => {
        // A missing font engine is an installation fault: retrying will not fix it.
        if (err instanceof Error && err.name === 'FontkitMissingError') throw ApplicationFailure.nonRetryable(err.message);
        throw err;
      });
      await mkdirOwnerOnlyAsync(path.dirname(file));
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, bytes, { mode: OWNER_ONLY_FILE });
      await fs.rename(tmp, file);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const exec = Context.current().info.workflowExecution;
      if (!exec) throw ApplicationFailure.nonRetryable('issueNotice must run inside a workflow');
      await appendEvent(deps.store, {
        caseId,
        workflowId: exec.workflowId,
        runId: exec.runId,
        step: 'notice-issued',
        actor: { kind: 'system', name: 'zhishen-notices', ...(deps.version ? { version: deps.version } : {}) },
        at: now().toISOString(),
        inputs: { outcome: built.record.outcome, amount: built.record.amount ?? null },
        ruleSetVersion: built.record.policyVersion ?? null,
        outcome: { file: path.basename(file) },
        evidence: [{ kind: 'notice-pdf', ref: `notices/${path.basename(file)}`, sha256 }],
        idempotencyKey: `${exec.runId}/notice-issued`,
      });
      return { caseId, path: file, sha256, issued: true };
    },
  };
}

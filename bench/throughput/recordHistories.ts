/**
 * Histories of a run written out for the replay tests (test/histories): one case of each business
 * and outcome, and every run of the batch, with their payloads opened by the run's codec so the
 * tests can replay them without this machine's key ring.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { CaseTimeline } from './histories';

interface PayloadLike {
  metadata: Record<string, Uint8Array>;
  data: Uint8Array;
}

function isPayload(value: unknown): value is PayloadLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<PayloadLike>;
  return v.data instanceof Uint8Array && typeof v.metadata === 'object' && v.metadata !== null && 'encoding' in v.metadata;
}

/** Every payload in `root`, opened in place by the client's codecs (last codec first, as Temporal decodes). */
async function openPayloads(client: Client, root: unknown): Promise<void> {
  const found: PayloadLike[] = [];
  const walk = (value: unknown) => {
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
    if (isPayload(value)) {
      found.push(value);
      return;
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) walk(child);
  };
  walk(root);
  let opened: Payload[] = found;
  for (const codec of [...client.options.loadedDataConverter.payloadCodecs].reverse()) opened = await codec.decode(opened);
  found.forEach((payload, i) => {
    payload.metadata = opened[i]!.metadata as Record<string, Uint8Array>;
    payload.data = opened[i]!.data as Uint8Array;
  });
}

/**
 * Writes `<caseId>.json` for the first case of each business × outcome (`closed` or still waiting for
 * a clerk) and `batch.json` with the batch's runs; returns the files written.
 */
export async function recordHistories(
  client: Client,
  dir: string,
  timelines: readonly CaseTimeline[],
  typeOf: (caseId: string) => string,
  batch: { workflowId: string; runIds: readonly string[] },
): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const picked = new Map<string, string>();
  for (const t of timelines) {
    const kind = `${typeOf(t.caseId)}/${t.completedMs === null ? 'waiting' : 'closed'}/${t.activities.length}`;
    if (!picked.has(kind)) picked.set(kind, t.caseId);
  }
  const written: string[] = [];
  for (const caseId of picked.values()) {
    const history = await client.workflow.getHandle(`case-${caseId}`).fetchHistory();
    await openPayloads(client, history);
    const file = path.join(dir, `${caseId}.json`);
    fs.writeFileSync(file, JSON.stringify(history));
    written.push(file);
  }
  const runs = [];
  for (const runId of batch.runIds) {
    const history = await client.workflow.getHandle(batch.workflowId, runId).fetchHistory();
    await openPayloads(client, history);
    runs.push(history);
  }
  const file = path.join(dir, 'batch.json');
  fs.writeFileSync(file, JSON.stringify({ runs }));
  written.push(file);
  return written;
}

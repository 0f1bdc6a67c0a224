/**
 * `npx tsx bench/trailAppend.ts [--cases 200] [--events 7]`: what appending a case's trail costs the
 * embedded store's server and its client together, as in the stack (PGlite served over loopback in
 * this process, a node-postgres client in the same process): CPU ms a case and an event, and round
 * trips (queries) an event.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serveEmbeddedStore } from '../store/embedded/serveEmbeddedStore';
import { openStore } from '../store/openStore';
import { appendEvent } from '../store/auditTrail';
import { sampleEvent } from '../store/testing/sampleEvent';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '200' }, events: { type: 'string', default: '7' } } });
const cases = Number(values.cases);
const events = Number(values.events);
const steps = ['intake', 'facts-read', 'decided', 'entered', 'closed', 'notice-issued', 'audit-verified'] as const;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trail-bench-'));
const server = await serveEmbeddedStore({ dataDir });
const store = await openStore({ dataDir });
let queries = 0;
const query = store.db.query.bind(store.db);
(store.db as { query: typeof query }).query = (text, params) => {
  queries++;
  return query(text, params);
};

async function appendCase(n: number) {
  const caseId = `BENCH-${String(n).padStart(6, '0')}`;
  for (let e = 0; e < events; e++) {
    const step = steps[e % steps.length]!;
    await appendEvent(
      store,
      sampleEvent({ caseId, workflowId: `case-${caseId}`, runId: `run-${n}`, step, idempotencyKey: `run-${n}/${step}@${e}` }),
    );
  }
}

// Warm-up: the first cases pay for compiling and PGlite's caches.
for (let n = 0; n < 20; n++) await appendCase(-1 - n);
queries = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
// Eight cases at a time, as the batch keeps them in flight.
for (let n = 0; n < cases; n += 8) await Promise.all(Array.from({ length: Math.min(8, cases - n) }, (_, i) => appendCase(n + i)));
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  JSON.stringify({
    cases,
    eventsPerCase: events,
    cpuMsPerCase: +(cpuMs / cases).toFixed(2),
    cpuMsPerEvent: +(cpuMs / cases / events).toFixed(3),
    queriesPerEvent: +(queries / cases / events).toFixed(2),
    wallS: +((performance.now() - t0) / 1000).toFixed(2),
  }),
);
await store.close();
await server.close();
fs.rmSync(dataDir, { recursive: true, force: true });

import type { AppConfig } from '../config/env';
import { maskIdNumbersIn } from '../rules/idNumber';
import { openAppStore } from '../config/openAppStore';
import type { Store } from '../store';
import { listEvents } from '../store/auditTrail';
import { verifyChain } from '../store/verifyChain';

async function withStore<T>(config: AppConfig, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openAppStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** `audit show CASE`: the case's events as JSON lines (stdout), a readable timeline on stderr. */
export function auditShow(config: AppConfig, caseId: string, out: (line: string) => void): Promise<number> {
  return withStore(config, async (store) => {
    const events = await listEvents(store, caseId);
    if (events.length === 0) {
      process.stderr.write(`no audit events for case ${caseId}\n`);
      return 1;
    }
    for (const e of events) {
      const actor = `${e.actor.kind}:${e.actor.name}${e.actor.version ? '@' + e.actor.version : ''}`;
      const outcome = e.outcome && typeof e.outcome === 'object' && 'outcome' in e.outcome ? ` → ${String(e.outcome.outcome)}` : '';
      process.stderr.write(`#${e.seq} ${e.at} ${e.step.padEnd(11)} ${actor}${e.ruleSetVersion ? ' ' + e.ruleSetVersion : ''}${outcome}  ${e.hash.slice(0, 12)}\n`);
      // Audit output leaves the clerks' screens: 身份证号 masked.
      out(maskIdNumbersIn(JSON.stringify(e)));
    }
    return 0;
  });
}

/** `audit verify [CASE]`: recomputes the hash chains; status 1 names the first altered or missing event. */
export function auditVerify(config: AppConfig, caseId: string | undefined, out: (line: string) => void): Promise<number> {
  return withStore(config, async (store) => {
    const verdict = await verifyChain(store, caseId);
    out(JSON.stringify(verdict));
    return verdict.ok ? 0 : 1;
  });
}

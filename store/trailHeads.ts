import type { Store } from './store';

/** Where a case's chain ended when this process last read or extended it. */
export interface TrailHead {
  seq: number;
  hash: string;
}

// Enough for every case a worker has in flight many times over; the oldest are forgotten first.
const MAX_CASES = 4096;

const headsByStore = new WeakMap<Store, Map<string, TrailHead>>();

/**
 * The chain heads this process saw last, per store: a hint that lets appendEvent write without
 * reading the head first. A hint only — the insert it allows checks the chain still ends there, so
 * a stale one (another process appended meanwhile) costs a round trip, never a wrong link.
 */
export function trailHeadsOf(store: Store) {
  let heads = headsByStore.get(store);
  if (!heads) headsByStore.set(store, (heads = new Map()));
  const known = heads;
  return {
    get: (caseId: string): TrailHead | undefined => known.get(caseId),
    remember(caseId: string, head: TrailHead): void {
      known.delete(caseId);
      known.set(caseId, head);
      if (known.size > MAX_CASES) known.delete(known.keys().next().value!);
    },
    forget: (caseId: string): void => void known.delete(caseId),
  };
}

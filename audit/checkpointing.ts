import type { Logger } from '../logging/logger';
import type { CheckpointSigner } from '../security/checkpointKey';
import { checkpointLag, takeCheckpoint, type Checkpoint } from '../store/checkpoints';
import type { Store } from '../store';

/** Signs a checkpoint over the trail so far (and exports it); what the worker's activities call. */
export interface TrailCheckpointer {
  checkpoint(reason: string): Promise<Checkpoint | undefined>;
}

export function trailCheckpointer(options: {
  store: Store;
  signer: CheckpointSigner;
  exportDir: string;
  logger: Logger;
}): TrailCheckpointer {
  const { store, signer, exportDir, logger } = options;
  return {
    async checkpoint(reason) {
      const made = await takeCheckpoint(store, signer, { exportDir });
      if (made) logger.info(`audit checkpoint: ${made.treeSize} events, root ${made.rootHash.slice(0, 16)}… (${reason})`);
      return made;
    },
  };
}

export interface CheckpointSchedule {
  /** Sign once this many events wait for a checkpoint. */
  everyEvents: number;
  /** Sign once the oldest waiting event has waited this long (ms). */
  everyMs: number;
  /** How often to look (ms); a look is one small query. */
  pollMs?: number;
}

/**
 * Checkpoints in the background: every `everyEvents` new events, or `everyMs` after the last
 * checkpoint when events are waiting. Several workers may each run one: a checkpoint of the same
 * size is stored once. Failures are logged and retried at the next look.
 */
export function startCheckpointTimer(options: {
  store: Store;
  checkpointer: TrailCheckpointer;
  schedule: CheckpointSchedule;
  logger: Logger;
}): { stop(): Promise<void> } {
  const { store, checkpointer, schedule, logger } = options;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const look = async () => {
    const state = await checkpointLag(store);
    if (state.events <= state.checkpointed) return;
    const waiting = state.events - state.checkpointed;
    const since = state.lastSignedMs === null ? Infinity : Date.now() - state.lastSignedMs;
    if (waiting >= schedule.everyEvents) await checkpointer.checkpoint(`${waiting} events waiting`);
    else if (since >= schedule.everyMs) await checkpointer.checkpoint(`${Math.round(since / 60_000)} min since the last`);
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(look).catch((err: unknown) => {
      logger.error(`audit checkpoint failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }, schedule.pollMs ?? 30_000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

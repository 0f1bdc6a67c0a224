import type { AppConfig } from '../config/env';
import type { Logger } from '../logging/logger';
import type { Store } from '../store';
import type { CoreSystem } from './coreSystem';
import type { TrailCheckpointer } from '../audit/checkpointing';
import type { Notifier } from '../notifications/notifier';

/** What the activities need from the process: passed in, so tests can give real or local parts. */
export interface ActivityDeps {
  store: Store;
  logger: Logger;
  config: AppConfig;
  /** The core business system, worked by the bots (needed by the `legacy-bots` activities only). */
  coreSystem?: CoreSystem;
  /** Signs checkpoints over the audit trail; the worker always gives one (startWorkers). */
  checkpointer?: TrailCheckpointer;
  /** Tells people of reminders, escalations, second looks, batches and fault storms (notifications/); none: nobody is told. */
  notifier?: Notifier;
  /** The activities' clock, for audit timestamps. */
  now?: () => Date;
}

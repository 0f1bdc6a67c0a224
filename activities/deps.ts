import type { AppConfig } from '../config/env';
import type { Logger } from '../logging/logger';
import type { Store } from '../store';
import type { FactsQuery } from '../fixtures/legacy-system/facts';
import type { FactsReading } from './contracts';

/** Something that reads the system-of-record facts of a case from the core business system. */
export interface CoreSystemReader {
  /** Bot name and version, as the audit trail records the actor. */
  readonly actor: { name: string; version: string };
  readFacts(query: FactsQuery): Promise<FactsReading>;
}

/** What the activities need from the process: passed in, so tests can give real or local parts. */
export interface ActivityDeps {
  store: Store;
  logger: Logger;
  config: AppConfig;
  /** The core-system reader; defaults to the stand-in's records under the data directory. */
  coreSystem?: CoreSystemReader;
  /** The activities' clock, for audit timestamps. */
  now?: () => Date;
}

import type { Backend, Db } from './db';

/** An open store: the audit trail and the case register, on one of the three backends. */
export interface Store {
  readonly db: Db;
  readonly backend: Backend;
  /** Where it lives, for logs: a data directory or a URL without credentials. */
  readonly location: string;
  /** Releases everything the store holds, so the process can exit. */
  close(): Promise<void>;
}

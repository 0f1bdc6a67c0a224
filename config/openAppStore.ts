import { openStore, type Store } from '../store';
import type { AppConfig } from './env';

/** The configured store: DATABASE_URL's PostgreSQL, or the embedded one under the data directory. */
export function openAppStore(config: AppConfig): Promise<Store> {
  return openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

import type { AppConfig } from '../config/env';
import { migrateAsOwner } from '../store/roles';

/**
 * `store migrate`: the schema's owner (ZHISHEN_DATABASE_OWNER_URL) applies the migrations and
 * grants the application's role (the user of DATABASE_URL) what it may do; the application itself
 * then never changes the schema. See docs/database-roles.md.
 */
export async function storeMigrate(
  config: Pick<AppConfig, 'databaseOwnerUrl' | 'databaseUrl'>,
  out: (line: string) => void,
): Promise<number> {
  const ownerUrl = config.databaseOwnerUrl;
  const appUrl = config.databaseUrl;
  if (!ownerUrl) throw new Error('store migrate: set ZHISHEN_DATABASE_OWNER_URL to the owner role’s postgres://… URL');
  if (!appUrl)
    throw new Error('store migrate: set DATABASE_URL to the application role’s postgres://… URL (its user is granted the rights)');
  const appRole = decodeURIComponent(new URL(appUrl).username);
  if (!appRole) throw new Error('store migrate: DATABASE_URL names no user');
  out(JSON.stringify(await migrateAsOwner({ ownerUrl, appRole })));
  return 0;
}

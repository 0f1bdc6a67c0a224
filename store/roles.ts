import { loadMigrations, migrate } from './migrate';
import type { Db } from './db';
import { pgDb } from './pgDb';

/**
 * Tables the application may only add to and read: no UPDATE, DELETE or TRUNCATE. A new
 * append-only table (a migration of its own) is added here, so `store migrate` grants it so.
 */
const appendOnlyTables = ['audit_events', 'audit_checkpoints'] as const;

/** Tables the application reads but never writes. */
const readOnlyTables = ['schema_migrations'] as const;

/** A SQL identifier, quoted. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The grants of the application role on the schema, as SQL (docs/database-roles.md shows it):
 * read and write the working tables, only INSERT and SELECT the trail, nothing on the schema's
 * structure. ALTER TABLE, DISABLE TRIGGER, DROP stay with the owner, whose role the application
 * must not be (nor a member of, nor a superuser).
 */
function appRoleGrantsSql(schema: string, appRole: string): string {
  const s = quoteIdent(schema);
  const r = quoteIdent(appRole);
  const table = (name: string) => `${s}.${quoteIdent(name)}`;
  return [
    `REVOKE CREATE ON SCHEMA ${s} FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${s} TO ${r}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`,
    `REVOKE UPDATE, DELETE ON ${appendOnlyTables.map(table).join(', ')} FROM ${r}`,
    `REVOKE INSERT, UPDATE, DELETE ON ${readOnlyTables.map(table).join(', ')} FROM ${r}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`,
  ]
    .map((statement) => `${statement};`)
    .join('\n');
}

export interface OwnerMigration {
  /** The owner role's URL (ZHISHEN_DATABASE_OWNER_URL): it owns the schema and its tables. */
  ownerUrl: string;
  /** The role the application connects as (DATABASE_URL's user). */
  appRole: string;
  /** A schema other than the owner's default search_path (tests). */
  schema?: string;
}

/**
 * `store migrate`: applies the migrations as the owner, then (re)grants the application role its
 * rights on every table, so tables added by new migrations are covered too. Refuses an application
 * role that could undo the grants: a superuser, the owner itself or a member of it.
 */
export async function migrateAsOwner(
  options: OwnerMigration,
): Promise<{ applied: string[]; schema: string; owner: string; appRole: string }> {
  const db = pgDb({ connectionString: options.ownerUrl, max: 1, ...(options.schema === undefined ? {} : { schema: options.schema }) });
  try {
    const [who] = await db.query<{ owner: string; schema: string | null }>('SELECT current_user AS owner, current_schema() AS schema');
    if (!who?.schema) throw new Error('store migrate: the owner role has no schema on its search_path (create one it owns)');
    await assertSafeAppRole(db, options.appRole, who.owner);
    const applied = await migrate(db);
    await db.script(appRoleGrantsSql(who.schema, options.appRole));
    return { applied, schema: who.schema, owner: who.owner, appRole: options.appRole };
  } finally {
    await db.close();
  }
}

async function assertSafeAppRole(db: Db, appRole: string, owner: string): Promise<void> {
  if (appRole === owner)
    throw new Error(`store migrate: DATABASE_URL must name another role than the owner (${owner}): the owner can rewrite the trail`);
  const [role] = await db.query<{ rolsuper: boolean; member: boolean }>(
    `SELECT rolsuper, pg_has_role(oid, (SELECT oid FROM pg_roles WHERE rolname = current_user), 'MEMBER') AS member FROM pg_roles WHERE rolname = $1`,
    [appRole],
  );
  if (!role)
    throw new Error(
      `store migrate: the application role ${appRole} (DATABASE_URL's user) does not exist; create it: CREATE ROLE ${quoteIdent(appRole)} LOGIN PASSWORD '…'`,
    );
  if (role.rolsuper)
    throw new Error(
      `store migrate: the application role ${appRole} is a superuser, which no grant can restrict; give the application a role of its own`,
    );
  if (role.member)
    throw new Error(
      `store migrate: the application role ${appRole} is a member of the owner role ${owner}, so it has the owner's rights; revoke that membership`,
    );
}

/** The migrations not yet applied to the schema db works in (all of them on a fresh schema). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const [present] = await db.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  const applied = present?.present
    ? new Set((await db.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version))
    : new Set<string>();
  return loadMigrations()
    .map((m) => m.version)
    .filter((version) => !applied.has(version));
}

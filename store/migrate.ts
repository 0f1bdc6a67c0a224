import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));
const migrationFileName = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

/** The migration files under store/migrations, in the order they apply. */
export function loadMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = migrationFileName.exec(file);
      if (!match?.[1] || !match[2]) throw new Error(`migration file name must look like 001_name.sql: ${file}`);
      return { version: match[1], name: match[2], sql: readFileSync(`${dir}/${file}`, 'utf8') };
    });
}

/**
 * Applies the migrations that are not yet recorded in schema_migrations, all in one transaction.
 * The transaction-scoped advisory lock, keyed by schema, makes processes that start at once on
 * the same PostgreSQL wait for each other instead of racing to create the same tables.
 * Returns the versions it applied.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('zhishen.migrate.' || current_schema()))`);
    await tx.script(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text        PRIMARY KEY,
      name       text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const appliedRows = await tx.query<{ version: string }>('SELECT version FROM schema_migrations');
    const applied = new Set(appliedRows.map((row) => row.version));
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.script(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      newlyApplied.push(migration.version);
    }
    return newlyApplied;
  });
}

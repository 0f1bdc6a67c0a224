import pg from 'pg';
import type { Backend, Db, Queryable } from './db';
import { assertSchemaName } from './db';

export interface PgDbOptions {
  connectionString: string;
  /** Every connection gets this search_path; tests use a throwaway schema per run. */
  schema?: string;
  max?: number;
  backend?: Extract<Backend, 'postgres' | 'embedded-server'>;
}

function queryableOf(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await target.query(text, [...params]);
      return result.rows as Row[];
    },
    async script(sql: string) {
      // Without parameters node-postgres uses the simple protocol, which accepts several statements.
      await target.query(sql);
    },
  };
}

/** A node-postgres Pool behind the Db interface. */
export function pgDb(options: PgDbOptions): Db {
  const schema = options.schema === undefined ? undefined : assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 5,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client whose server went away (the stack stopped) must not crash the process.
  pool.on('error', () => undefined);
  return {
    backend: options.backend ?? 'postgres',
    ...queryableOf(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryableOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

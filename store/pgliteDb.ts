import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db';

type PGliteLike = Pick<PGlite, 'query' | 'exec'>;

function queryableOf(target: PGliteLike): Queryable {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await target.query<Row>(text, [...params]);
      return result.rows;
    },
    async script(sql: string) {
      await target.exec(sql);
    },
  };
}

/** Wraps an open PGlite instance; closing the Db closes the instance. */
export function pgliteDb(pglite: PGlite): Db {
  return {
    backend: 'pglite',
    ...queryableOf(pglite),
    transaction: (fn) => pglite.transaction((tx) => fn(queryableOf(tx))),
    close: () => pglite.close(),
  };
}

/** Opens (creating if needed) a PGlite database persisted in dataDir. */
export async function openPGlite(dataDir: string): Promise<PGlite> {
  return PGlite.create(dataDir);
}

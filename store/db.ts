/** Something that runs SQL: the whole database, or one transaction on it. */
export interface Queryable {
  /** Runs one statement with $1… parameters and returns its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  script(sql: string): Promise<void>;
}

/** Which engine a store talks to; the SQL is the same for all three. */
export type Backend = 'pglite' | 'postgres' | 'embedded-server';

/** A database handle. Adapters: PGlite in-process, node-postgres Pool. */
export interface Db extends Queryable {
  readonly backend: Backend;
  /** Runs fn on one connection inside BEGIN…COMMIT; ROLLBACK if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Releases every connection, file handle and timer. */
  close(): Promise<void>;
}

/** Schema names are interpolated into SQL and connection options, so only plain identifiers pass. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name: ${JSON.stringify(schema)}`);
  return schema;
}

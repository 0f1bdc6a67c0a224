/**
 * The store suites run on PGlite and on the PostgreSQL server at TEST_DATABASE_URL. Where no
 * server answers there, the PostgreSQL half is skipped with a note saying how to get one; under CI=true
 * it fails instead, since CI must run it. Imported only by suites that use PostgreSQL: it asks the
 * server once, when the suite file is loaded.
 */
import pg from 'pg';
import { beforeAll, describe } from 'vitest';
import { testDatabaseUrl } from './backends';

const inCi = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

const howToGetOne =
  'set TEST_DATABASE_URL to a PostgreSQL superuser’s postgres://… URL (the suites create schemas and roles), ' +
  'or start a server at the default postgres://postgres@127.0.0.1:5432/test — on Debian: apt-get install postgresql, then ' +
  'sudo -u postgres createdb test (npm run setup does not install PostgreSQL)';

/** Why the PostgreSQL suites cannot run here, or undefined when the server answers. */
async function whyNoPostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const shown = new URL(testDatabaseUrl);
    shown.password = shown.password ? '***' : '';
    return `no PostgreSQL server answers at ${shown.href} (${[code, message].filter(Boolean).join(': ')})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const missing = await whyNoPostgres();
let told = false;

/** describe() for a suite that needs the PostgreSQL server. */
export function describeOnPostgres(title: string, body: () => void): void {
  if (!missing) {
    describe(title, body);
  } else if (inCi) {
    describe(title, () => {
      beforeAll(() => {
        throw new Error(`${missing}. CI must run the PostgreSQL suites: ${howToGetOne}.`);
      });
      body();
    });
  } else {
    skipWithNote(title, missing);
    describe.skip(`${title} (skipped: ${missing})`, body);
  }
}

function skipWithNote(title: string, missing: string): void {
  if (!told) process.stderr.write(`\n[tests] PostgreSQL suites skipped: ${missing}. To run them, ${howToGetOne}.\n\n`);
  told = true;
}

/** describe.each over backends, `$name` in the title standing for each one's name; the one named postgres goes through describeOnPostgres. */
export function describeEachBackend<T extends { name: string }>(backends: readonly T[], title: string, body: (backend: T) => void): void {
  for (const backend of backends) {
    const named = title.replaceAll('$name', backend.name);
    if (backend.name === 'postgres') describeOnPostgres(named, () => body(backend));
    else describe(named, () => body(backend));
  }
}

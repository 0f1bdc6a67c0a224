/**
 * Runs before every file of the unit tier (vitest.config.ts). A unit test starts nothing outside its own
 * process, so the doors to a store, Temporal, Chromium and our own servers are shut here: a file that
 * opens one fails at once, naming the tier it belongs to, instead of slowing down every run of the unit
 * tier. Each mock is built only when a test file imports the module, so it costs nothing otherwise.
 */
import { vi } from 'vitest';

const INT = '*.int.test.ts';

const refused = (what: string, tier: string) => () => {
  throw new Error(`a unit test starts nothing outside its process, but this one opens ${what}: name the file ${tier} (docs/testing.md)`);
};

/** The same class or object, except that the listed members (or `new`, for a class) throw. */
function shut<T extends object>(target: T, what: string, tier: string, members: string[], construct = false): T {
  return new Proxy(target, {
    get: (t, key, receiver) => (members.includes(String(key)) ? refused(what, tier) : Reflect.get(t, key, receiver)),
    ...(construct ? { construct: refused(what, tier) } : {}),
  });
}

vi.mock('pg', async (importOriginal) => {
  const pg = (await importOriginal<{ default: object }>()).default;
  const refuse = (cls: object) => shut(cls, 'a PostgreSQL connection', INT, [], true);
  return {
    default: new Proxy(pg, {
      get: (t, key, r) => (key === 'Client' || key === 'Pool' ? refuse(Reflect.get(t, key, r) as object) : Reflect.get(t, key, r)),
    }),
  };
});

vi.mock('@electric-sql/pglite', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@electric-sql/pglite')>();
  return { ...actual, PGlite: shut(actual.PGlite, 'a PGlite store', INT, ['create'], true) };
});

vi.mock('playwright', async (importOriginal) => {
  const actual = await importOriginal<typeof import('playwright')>();
  const what = 'Chromium';
  const tier = '*.int.test.ts if Chromium only renders fixtures, *.e2e.test.ts if it drives the bots or the console';
  const browserType = (b: object) =>
    shut(b, what, tier, ['launch', 'launchPersistentContext', 'launchServer', 'connect', 'connectOverCDP']);
  return { ...actual, chromium: browserType(actual.chromium), firefox: browserType(actual.firefox), webkit: browserType(actual.webkit) };
});

vi.mock('@temporalio/testing', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@temporalio/testing')>();
  // MockActivityEnvironment runs an activity in this process, and stays allowed.
  return {
    ...actual,
    TestWorkflowEnvironment: shut(actual.TestWorkflowEnvironment, 'a Temporal test server', INT, [
      'createTimeSkipping',
      'createLocal',
      'createExistingServer',
    ]),
  };
});

vi.mock('@temporalio/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@temporalio/client')>();
  return { ...actual, Connection: shut(actual.Connection, 'a Temporal connection', INT, ['connect', 'lazy']) };
});

vi.mock('@temporalio/worker', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@temporalio/worker')>();
  return {
    ...actual,
    NativeConnection: shut(actual.NativeConnection, 'a Temporal connection', INT, ['connect']),
    Worker: shut(actual.Worker, 'a Temporal worker', INT, ['create']),
  };
});

vi.mock('../temporal/devServer', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../temporal/devServer')>()),
  startDevServer: refused('a Temporal dev server', INT),
}));

vi.mock('../fixtures/legacy-system/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../fixtures/legacy-system/server')>()),
  startLegacySystem: refused('the core-system stand-in', INT),
}));

vi.mock('../console/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../console/server')>()),
  startConsole: refused('the console server', INT),
}));

vi.mock('../store/embedded/serveEmbeddedStore', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../store/embedded/serveEmbeddedStore')>()),
  serveEmbeddedStore: refused('the embedded store server', INT),
}));

import type { Connection } from '@temporalio/client';
import { PROJECT_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';

// temporal.api.enums.v1.IndexedValueType: the proto enum is not re-exported by the SDK's ESM entry points.
const INDEXED_VALUE_TYPE = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 } as const;

/**
 * Registers the project's search attributes on the namespace, adding only the missing ones, so it
 * is safe on every start and on a shared cluster.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const known = new Set<string>();
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    for (const name of [...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]) known.add(name);
  } catch (err) {
    // The time-skipping test server can add search attributes but not list them.
    if (!/UNIMPLEMENTED/.test(String(err))) throw err;
  }
  const missing: Record<string, number> = {};
  for (const key of PROJECT_SEARCH_ATTRIBUTES) {
    if (!known.has(key.name)) missing[key.name] = INDEXED_VALUE_TYPE[key.type];
  }
  if (Object.keys(missing).length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (err) {
    // Two processes starting at once both see the attribute missing; the loser's ALREADY_EXISTS is fine.
    if (!/already exists/i.test(String(err))) throw err;
  }
  await untilUsable(connection, namespace, Object.keys(missing));
}

/**
 * Waits until a query naming the attributes is accepted: a server that reads search attributes from
 * its cache (temporal/devServer.ts) sees one just added only once the cache is refreshed, seconds later.
 */
async function untilUsable(connection: Connection, namespace: string, names: string[], timeoutMs = 60_000): Promise<void> {
  const query = names.map((name) => `${name} = '_'`).join(' AND ');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (err) {
      // The time-skipping test server has no visibility to ask.
      if (/UNIMPLEMENTED/.test(String(err))) return;
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

import fs from 'node:fs';

/**
 * The dev server's persistence requests so far, by operation (`visibility:` for its visibility
 * store), from its Prometheus endpoint, whose address the CLI prints to the server's log. Counts of
 * SQLite operations do not move with the machine's load as CPU seconds do. Empty when the log names
 * no endpoint (a server this process did not start).
 */
export async function persistenceRequests(serverLog: string): Promise<Record<string, number>> {
  const url = fs.existsSync(serverLog) ? /Temporal Metrics:\s+(\S+)/.exec(fs.readFileSync(serverLog, 'utf8'))?.[1] : undefined;
  if (!url) return {};
  const text = await (await fetch(url)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^(visibility_)?persistence_requests\{([^}]*)\} (\S+)$/gm)) {
    const op = `${m[1] ? 'visibility:' : ''}${/operation="([^"]+)"/.exec(m[2]!)?.[1] ?? '?'}`;
    counts[op] = (counts[op] ?? 0) + Number(m[3]);
  }
  return counts;
}

/** Requests per case between two readings, largest first, and their total. */
export function requestsPerCase(before: Record<string, number>, after: Record<string, number>, cases: number) {
  const byOperation = Object.entries(after)
    .map(([op, n]) => [op, Math.round(((n - (before[op] ?? 0)) / cases) * 100) / 100] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    total: Math.round(byOperation.reduce((n, [, k]) => n + k, 0) * 100) / 100,
    byOperation: Object.fromEntries(byOperation),
  };
}

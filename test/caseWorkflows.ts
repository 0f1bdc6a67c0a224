import type { Client } from '@temporalio/client';
import { expect, vi } from 'vitest';

/**
 * Waits until Temporal says every one of these cases' workflows has completed: a closed case's
 * workflow finishes a moment after it tells its batch. vi.waitFor, not expect.poll, so that it
 * also serves in beforeAll, where expect.poll is not allowed.
 */
export async function waitUntilCasesComplete(client: Client, caseIds: readonly string[], timeout: number): Promise<void> {
  const statusOf = (caseId: string) =>
    client.workflow
      .getHandle(`case-${caseId}`)
      .describe()
      .then((d) => d.status.name);
  await vi.waitFor(async () => expect(await Promise.all(caseIds.map(statusOf))).toEqual(caseIds.map(() => 'COMPLETED')), {
    timeout,
    interval: 250,
  });
}

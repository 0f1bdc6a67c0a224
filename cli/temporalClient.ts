import { Client, Connection } from '@temporalio/client';
import { temporalAddress, type AppConfig } from '../config/env';

/** A Temporal client for the configured cluster, with a message that says what to do when it is down. */
export async function connectClient(config: AppConfig): Promise<{ client: Client; close(): Promise<void> }> {
  const address = temporalAddress(config);
  const connection = await Connection.connect({ address, connectTimeout: 5000 }).catch((err: unknown) => {
    throw new Error(
      `cannot reach Temporal at ${address} (${err instanceof Error ? err.message : String(err)}): start the stack with \`npm start\`, or set TEMPORAL_ADDRESS`,
    );
  });
  return { client: new Client({ connection, namespace: config.temporal.namespace }), close: () => connection.close() };
}

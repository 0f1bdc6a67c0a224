import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../config/env';
import { configuredTarget, connectionOptions, describeTarget } from '../temporal/connection';
import { configuredDataConverter } from '../temporal/dataConverter';

/**
 * A Temporal client for the configured cluster (TLS and API key as configured, payloads sealed with
 * the configured key ring), with a message that says what to do when it is down.
 */
export async function connectClient(config: AppConfig): Promise<{ client: Client; close(): Promise<void> }> {
  const target = configuredTarget(config);
  // Settings and keys are read first: a wrong file is its own error, not "cannot reach".
  const options = connectionOptions(target);
  const dataConverter = configuredDataConverter(config);
  const connection = await Connection.connect({ ...options, connectTimeout: 5000 }).catch((err: unknown) => {
    throw new Error(
      `cannot reach Temporal at ${describeTarget(target)} (${err instanceof Error ? err.message : String(err)}): start the stack with \`npm start\`, or set TEMPORAL_ADDRESS`,
    );
  });
  return { client: new Client({ connection, namespace: config.temporal.namespace, dataConverter }), close: () => connection.close() };
}

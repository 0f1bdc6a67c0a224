import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { AppConfig } from '../config/env';
import { loadPayloadKeyRing, type PayloadKeyRing } from '../security/payloadKeys';
import { EncryptionCodec } from './payloadCodec';

/** The module whose `failureConverter` every client, worker, bundle and replayer loads. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failureConverter.ts', import.meta.url));

/**
 * The data converter of every Temporal client and worker of this project: payloads sealed by the
 * encryption codec, failure messages moved into payloads so they are sealed too. The codec runs
 * outside the workflow sandbox; only the failure converter is bundled with the workflow code.
 */
export function dataConverterFor(ring: PayloadKeyRing): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** The data converter with this process's configured key ring. */
export function configuredDataConverter(
  config: Pick<AppConfig, 'dataDir' | 'temporal'>,
  env: NodeJS.ProcessEnv = process.env,
): DataConverter {
  return dataConverterFor(loadPayloadKeyRing(config, env));
}

/**
 * Every connection to Temporal — workers' NativeConnection, clients' Connection, the dev server's
 * readiness check — takes its options from here, so TLS, client certificates and the API key are
 * configured once (config/env.ts) and used everywhere the same way.
 */
import fs from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { temporalAddress, type AppConfig, type TemporalSecurity } from '../config/env';

/** Where to connect and how: the configured cluster, or a plain local address (the embedded server). */
export interface TemporalTarget {
  address: string;
  security: TemporalSecurity;
}

/** The options both connection kinds accept alike. */
export type SharedConnectionOptions = Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'> &
  Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey'>;

/** The configured Temporal: TEMPORAL_ADDRESS with its TLS settings, or the embedded dev server. */
export function configuredTarget(config: AppConfig): TemporalTarget {
  return { address: temporalAddress(config), security: config.temporal.security };
}

/** A server on this machine that speaks plain gRPC (the embedded dev server). */
export function localTarget(address: string): TemporalTarget {
  return { address, security: { tls: null, apiKey: null } };
}

/** Reads a PEM file named by a setting; the error names the setting and the file. */
function readPem(variable: string, file: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): Buffer {
  let text: Buffer;
  try {
    text = fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  // "PRIVATE KEY" also matches "RSA PRIVATE KEY" and "EC PRIVATE KEY".
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text.toString('latin1'))) {
    throw new Error(
      `${variable}: ${file} is not a PEM ${kind === 'CERTIFICATE' ? 'certificate' : 'private key'} (expected a "-----BEGIN …${kind}-----" block)`,
    );
  }
  return text;
}

function readApiKey(apiKey: NonNullable<TemporalSecurity['apiKey']>): string {
  if ('value' in apiKey) return apiKey.value.trim();
  let text: string;
  try {
    text = fs.readFileSync(apiKey.file, 'utf8').trim();
  } catch (err) {
    throw new Error(
      `TEMPORAL_API_KEY_FILE: cannot read ${apiKey.file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      { cause: err },
    );
  }
  if (!text) throw new Error(`TEMPORAL_API_KEY_FILE: ${apiKey.file} is empty`);
  return text;
}

/** Connection options for a target, files read now: a missing or wrong file fails before connecting. */
export function connectionOptions(target: TemporalTarget): SharedConnectionOptions {
  const { tls, apiKey } = target.security;
  const options: SharedConnectionOptions = { address: target.address };
  if (tls) {
    options.tls = {
      ...(tls.serverName && { serverNameOverride: tls.serverName }),
      ...(tls.caFile && { serverRootCACertificate: readPem('TEMPORAL_TLS_CA', tls.caFile, 'CERTIFICATE') }),
      ...(tls.certFile &&
        tls.keyFile && {
          clientCertPair: {
            crt: readPem('TEMPORAL_TLS_CERT', tls.certFile, 'CERTIFICATE'),
            key: readPem('TEMPORAL_TLS_KEY', tls.keyFile, 'PRIVATE KEY'),
          },
        }),
    };
  }
  if (apiKey) {
    // config/env.ts refuses an API key without TLS; checked again here for targets built by hand.
    if (!tls) throw new Error('TEMPORAL_API_KEY: an API key is sent only over TLS');
    options.apiKey = readApiKey(apiKey);
  }
  return options;
}

/** How a target is described in logs and errors: the address and the kind of security, no secrets. */
export function describeTarget(target: TemporalTarget): string {
  const { tls, apiKey } = target.security;
  const how = !tls ? 'plain gRPC' : tls.certFile ? 'mTLS' : 'TLS';
  return `${target.address} (${how}${apiKey ? ', API key' : ''})`;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env';
import { configuredTarget, connectionOptions, describeTarget, localTarget } from './connection';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-tls-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
// Only the PEM framing is checked before connecting; the server checks the certificate itself.
const certPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from('client certificate of a worker').toString('base64')}\n-----END CERTIFICATE-----\n`;
const caPem = certPem.replace('client certificate of a worker', 'the bureau CA');
const cert = file('worker.crt', certPem);
const key = file('worker.key', keyPem);
const ca = file('ca.crt', caPem);
const cluster = { TEMPORAL_ADDRESS: 'temporal.bureau.internal:7233' };
const optionsOf = (env: NodeJS.ProcessEnv) => connectionOptions(configuredTarget(loadConfig(env)));

describe('Temporal connection options from the configuration', () => {
  it('connects to the embedded dev server in plain gRPC when no cluster is configured', () => {
    expect(optionsOf({})).toEqual({ address: '127.0.0.1:7233' });
    expect(optionsOf({ ZHISHEN_TEMPORAL_PORT: '7300' })).toEqual({ address: '127.0.0.1:7300' });
    expect(connectionOptions(localTarget('127.0.0.1:9999'))).toEqual({ address: '127.0.0.1:9999' });
    expect(optionsOf(cluster)).toEqual({ address: 'temporal.bureau.internal:7233' });
  });

  it('builds mTLS from the certificate, key and CA files, with the server name override', () => {
    const options = optionsOf({
      ...cluster,
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_CA: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal-frontend',
    });
    expect(options.address).toBe('temporal.bureau.internal:7233');
    expect(options.apiKey).toBeUndefined();
    const tls = options.tls as {
      serverNameOverride: string;
      serverRootCACertificate: Buffer;
      clientCertPair: { crt: Buffer; key: Buffer };
    };
    expect(tls.serverNameOverride).toBe('temporal-frontend');
    expect(tls.serverRootCACertificate.toString()).toBe(caPem);
    expect(tls.clientCertPair.crt.toString()).toBe(certPem);
    expect(tls.clientCertPair.key.toString()).toBe(keyPem);
    expect(describeTarget(configuredTarget(loadConfig({ ...cluster, TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key })))).toBe(
      'temporal.bureau.internal:7233 (mTLS)',
    );
  });

  it('builds TLS with the system roots, or with a CA only', () => {
    expect(optionsOf({ ...cluster, TEMPORAL_TLS: 'true' })).toEqual({ address: cluster.TEMPORAL_ADDRESS, tls: {} });
    expect(
      (optionsOf({ ...cluster, TEMPORAL_TLS_CA: ca }).tls as { serverRootCACertificate: Buffer }).serverRootCACertificate.toString(),
    ).toBe(caPem);
  });

  it('sends an API key, from the variable or a file, and always over TLS', () => {
    expect(optionsOf({ ...cluster, TEMPORAL_API_KEY: 'sekret-key' })).toEqual({
      address: cluster.TEMPORAL_ADDRESS,
      tls: {},
      apiKey: 'sekret-key',
    });
    const keyFile = file('api.key', 'from-a-file\n');
    expect(optionsOf({ ...cluster, TEMPORAL_API_KEY_FILE: keyFile }).apiKey).toBe('from-a-file');
    expect(describeTarget(configuredTarget(loadConfig({ ...cluster, TEMPORAL_API_KEY_FILE: keyFile })))).toBe(
      'temporal.bureau.internal:7233 (TLS, API key)',
    );
    expect(() => optionsOf({ ...cluster, TEMPORAL_API_KEY_FILE: file('empty.key', '  \n') })).toThrow(/TEMPORAL_API_KEY_FILE: .*empty/);
    expect(() => loadConfig({ ...cluster, TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })).toThrow(/TEMPORAL_TLS: .*only over TLS/);
  });

  it('refuses half a client certificate, naming what is missing', () => {
    expect(() => loadConfig({ ...cluster, TEMPORAL_TLS_CERT: cert })).toThrow(
      /environment variable TEMPORAL_TLS_KEY: TEMPORAL_TLS_CERT is set but its private key is not/,
    );
    expect(() => loadConfig({ ...cluster, TEMPORAL_TLS_KEY: key })).toThrow(
      /environment variable TEMPORAL_TLS_CERT: TEMPORAL_TLS_KEY is set but its certificate is not/,
    );
    expect(() => loadConfig({ ...cluster, TEMPORAL_API_KEY: 'a', TEMPORAL_API_KEY_FILE: 'b' })).toThrow(/not both/);
  });

  it('refuses TLS settings without a cluster to use them on', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CA: ca })).toThrow(
      /environment variable TEMPORAL_ADDRESS: TLS or an API key is configured but no cluster/,
    );
    expect(() => loadConfig({ TEMPORAL_API_KEY: 'k' })).toThrow(/TEMPORAL_ADDRESS/);
  });

  it('names the setting and the file when a file is missing or not PEM', () => {
    expect(() => optionsOf({ ...cluster, TEMPORAL_TLS_CERT: path.join(dir, 'nope.crt'), TEMPORAL_TLS_KEY: key })).toThrow(
      /TEMPORAL_TLS_CERT: cannot read .*nope\.crt \(ENOENT\)/,
    );
    expect(() => optionsOf({ ...cluster, TEMPORAL_TLS_CERT: key, TEMPORAL_TLS_KEY: key })).toThrow(
      /TEMPORAL_TLS_CERT: .*worker\.key is not a PEM certificate/,
    );
    expect(() => optionsOf({ ...cluster, TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: cert })).toThrow(
      /TEMPORAL_TLS_KEY: .*worker\.crt is not a PEM private key/,
    );
    expect(() => optionsOf({ ...cluster, TEMPORAL_TLS_CA: key })).toThrow(/TEMPORAL_TLS_CA: .* is not a PEM certificate/);
  });
});

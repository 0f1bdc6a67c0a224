import crypto, { type KeyObject } from 'node:crypto';
import type { AppConfig } from '../config/env';
import { readKey, readSecret, type KeySpec } from './keyFiles';

/** The console's and CLI's key for signing human acts (Ed25519, PKCS#8 PEM). */
export const ACT_SIGNING_KEY: KeySpec = {
  envVar: 'ZHISHEN_ACT_SIGNING_KEY',
  file: 'act-signing.pem',
  purpose: 'signing human acts (console, CLI)',
  generate: () => crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

type KeyConfig = Pick<AppConfig, 'dataDir' | 'temporal'>;

/** The private key the console and the CLI sign with. */
export function actSigningKey(config: KeyConfig, env: NodeJS.ProcessEnv = process.env): KeyObject {
  return crypto.createPrivateKey(readKey(ACT_SIGNING_KEY, config, env));
}

/**
 * The public key workers verify with: ZHISHEN_ACT_VERIFY_KEY(_FILE) on a cluster, where workers
 * should not hold the signing key; otherwise derived from the signing key.
 */
export function actVerifyKey(config: KeyConfig, env: NodeJS.ProcessEnv = process.env): KeyObject {
  const pem = readSecret('ZHISHEN_ACT_VERIFY_KEY', env);
  if (pem) return crypto.createPublicKey(pem);
  return crypto.createPublicKey(actSigningKey(config, env));
}

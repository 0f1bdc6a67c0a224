import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AppConfig } from '../config/env';
import { publicKeyId } from '../audit/verifyProof';
import { readKey, type KeySpec } from './keyFiles';

/** The Ed25519 key that signs the audit trail's checkpoints; kept outside the database it vouches for. */
export const CHECKPOINT_SIGNING_KEY: KeySpec = {
  envVar: 'ZHISHEN_CHECKPOINT_SIGNING_KEY',
  file: 'checkpoint-signing.pem',
  purpose: 'signing the audit trail’s checkpoints',
  generate: () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

/**
 * What signs checkpoints. The key file is one implementation; a KMS or HSM that signs Ed25519
 * implements the same three members, and the private key never enters this process.
 */
export interface CheckpointSigner {
  /** SHA-256 of the public key (SubjectPublicKeyInfo DER), hex: named in every checkpoint body. */
  readonly keyId: string;
  /** The public key as PEM (SPKI), for auditors and for proofs. */
  readonly publicKeyPem: string;
  /** Ed25519 signature of the message's bytes. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A signer holding an Ed25519 private key (PKCS#8 PEM) in memory. */
export function ed25519Signer(privateKeyPem: string): CheckpointSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch (err) {
    throw new Error(`${CHECKPOINT_SIGNING_KEY.envVar}: not a private key in PEM (${(err as Error).message})`, { cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${CHECKPOINT_SIGNING_KEY.envVar}: expected an Ed25519 key, got ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: publicKeyId(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: async (message) => sign(null, message, privateKey),
  };
}

/** The configured checkpoint signer: the key from the environment, a secret file, or `<dataDir>/keys`. */
export function checkpointSignerFromConfig(
  config: Pick<AppConfig, 'dataDir' | 'temporal'>,
  env: NodeJS.ProcessEnv = process.env,
): CheckpointSigner {
  return ed25519Signer(readKey(CHECKPOINT_SIGNING_KEY, config, env));
}

/** A public key from PEM: an SPKI public key, or the public half of a private key. */
export function checkpointPublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`checkpoint public key: expected Ed25519, got ${key.asymmetricKeyType}`);
  return key;
}

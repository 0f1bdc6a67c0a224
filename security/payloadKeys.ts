/**
 * The keys that encrypt what Temporal keeps (temporal/payloadCodec.ts): a key ring, one key per
 * line as `<id> <base64 of 32 bytes>`, the FIRST line the active key new payloads are sealed with,
 * the others kept so that payloads sealed before a rotation still open. `#` starts a comment.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AppConfig } from '../config/env';
import { readKey, type KeySpec } from './keyFiles';

const PAYLOAD_KEY_BYTES = 32;

export const PayloadKeysSpec: KeySpec = {
  envVar: 'ZHISHEN_PAYLOAD_KEYS',
  file: 'temporal-payload.keys',
  purpose: 'encryption of Temporal payloads (personal data in workflow histories)',
  generate: () => `${newPayloadKeyLine()}\n`,
};

export interface PayloadKeyRing {
  /** The key new payloads are encrypted with. */
  activeId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KeyId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a key id is 1–64 letters, digits, ".", "_" or "-"');

const KeyBytes = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'the key is not base64')
  .transform((text) => Buffer.from(text, 'base64'))
  .refine((bytes) => bytes.length === PAYLOAD_KEY_BYTES, `an AES-256 key is ${PAYLOAD_KEY_BYTES} bytes (44 base64 characters)`);

/** A fresh key line: an id that says when it was made, and 32 random bytes. */
export function newPayloadKeyLine(now = new Date()): string {
  const id = `k${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
  return `${id} ${randomBytes(PAYLOAD_KEY_BYTES).toString('base64')}`;
}

/** Parses a key ring's text; the error names the line and what is wrong with it, never the key. */
export function parsePayloadKeyRing(text: string, source = PayloadKeysSpec.envVar): PayloadKeyRing {
  const keys = new Map<string, Buffer>();
  let activeId: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const where = `${source} line ${index + 1}`;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) throw new Error(`${where}: expected "<key id> <base64 key>"`);
    const id = KeyId.safeParse(parts[0]);
    if (!id.success) throw new Error(`${where}: ${id.error.issues[0]!.message}`);
    const bytes = KeyBytes.safeParse(parts[1]);
    if (!bytes.success) throw new Error(`${where} (key ${id.data}): ${bytes.error.issues[0]!.message}`);
    if (keys.has(id.data)) throw new Error(`${where}: key id ${id.data} appears twice`);
    keys.set(id.data, bytes.data);
    activeId ??= id.data;
  });
  if (!activeId) throw new Error(`${source}: no key (expected lines "<key id> <base64 key>", the first one active)`);
  return { activeId, keys };
}

/** The key ring this process encrypts and decrypts with (variable, secret file, or `<dataDir>/keys`). */
export function loadPayloadKeyRing(config: Pick<AppConfig, 'dataDir' | 'temporal'>, env: NodeJS.ProcessEnv = process.env): PayloadKeyRing {
  return parsePayloadKeyRing(readKey(PayloadKeysSpec, config, env));
}

/** Rotation: a new active key in front, every old one kept for what it sealed. */
export function withNewActiveKey(text: string, now = new Date()): string {
  return `${newPayloadKeyLine(now)}\n${text.trimEnd()}\n`;
}

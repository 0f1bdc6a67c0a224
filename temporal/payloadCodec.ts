/**
 * What Temporal keeps is ciphertext: every payload (workflow inputs, results, signals, updates,
 * activity arguments, failure messages) is sealed with AES-256-GCM before it leaves a client or a
 * worker, and opened again when it comes back. Temporal's server, its database, its Web UI and
 * anyone reading them see only `binary/encrypted` payloads and the id of the key.
 *
 * Layout of a sealed payload: metadata {encoding: binary/encrypted, encryption-key-id: <id>},
 * data = 12-byte random IV ‖ ciphertext ‖ 16-byte tag, the plaintext being the whole original
 * Payload protobuf (its own metadata included: even the encoding of a value is hidden). The key id
 * is bound as associated data, so relabelling a payload with another key's id fails too.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
// @temporalio/proto is CommonJS: Node's ESM loader sees only its default export.
import proto from '@temporalio/proto';
import type { PayloadKeyRing } from '../security/payloadKeys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PayloadProto = proto.temporal.api.common.v1.Payload;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

/** A payload that cannot be opened: altered, truncated, or sealed with a key this process lacks. */
export class PayloadDecryptionError extends ValueError {
  override name = 'PayloadDecryptionError';
}

function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: PayloadKeyRing) {
    if (!ring.keys.has(ring.activeId)) throw new Error(`payload key ring: the active key ${ring.activeId} is not in the ring`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.seal(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    // A payload not sealed passes through: those written before encryption was switched on, and
    // the few the server makes itself. Everything this project writes is sealed.
    return payloads.map((payload) => (isEncrypted(payload) ? this.open(payload) : payload));
  }

  seal(payload: Payload): Payload {
    const keyId = this.ring.activeId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.ring.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(utf8(keyId));
    const sealed = Buffer.concat([iv, cipher.update(PayloadProto.encode(payload).finish()), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: utf8(keyId) }, data: sealed };
  }

  open(payload: Payload): Payload {
    const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
    if (!keyId) throw new PayloadDecryptionError(`encrypted payload without its ${METADATA_KEY_ID}: cannot tell which key sealed it`);
    const key = this.ring.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `encrypted payload sealed with key ${keyId}, which this process's key ring (ZHISHEN_PAYLOAD_KEYS) does not hold: keep retired keys in the ring after a rotation`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(`encrypted payload (key ${keyId}) is truncated: ${data.length} bytes`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(utf8(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `encrypted payload (key ${keyId}) fails authentication: it was altered after sealing, or the key under that id is not the one that sealed it`,
      );
    }
    return PayloadProto.decode(plain);
  }
}

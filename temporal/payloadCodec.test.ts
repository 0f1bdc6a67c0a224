import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefaultPayloadConverter, type Payload } from '@temporalio/common';
import { loadConfig } from '../config/env';
import { loadPayloadKeyRing, newPayloadKeyLine, parsePayloadKeyRing, PayloadKeysSpec, withNewActiveKey } from '../security/payloadKeys';
import { ENCRYPTED_ENCODING, EncryptionCodec, METADATA_KEY_ID, PayloadDecryptionError } from './payloadCodec';

const converter = new DefaultPayloadConverter();
const row = { name: '张三', idNumber: '11010519491231002X', amount: '1234.50' };
const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');

async function sealOne(codec: EncryptionCodec, value: unknown): Promise<Payload> {
  const [sealed] = await codec.encode([converter.toPayload(value)]);
  return sealed!;
}

describe('the payload encryption codec', () => {
  const ring = parsePayloadKeyRing(newPayloadKeyLine());
  const codec = new EncryptionCodec(ring);

  it('seals a payload so that neither the value nor its encoding shows, and opens it again', async () => {
    const sealed = await sealOne(codec, row);
    expect(utf8(sealed.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(utf8(sealed.metadata![METADATA_KEY_ID])).toBe(ring.activeId);
    const bytes = Buffer.from(sealed.data!);
    for (const clear of [row.idNumber, row.name, 'json/plain']) expect(bytes.includes(Buffer.from(clear, 'utf8'))).toBe(false);
    const [opened] = await codec.decode([sealed]);
    expect(converter.fromPayload(opened!)).toEqual(row);
  });

  it('uses a fresh IV for every payload: the same value never seals to the same bytes', async () => {
    const [a, b] = [await sealOne(codec, row), await sealOne(codec, row)];
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect(Buffer.from(a.data!).subarray(0, 12).equals(Buffer.from(b.data!).subarray(0, 12))).toBe(false);
  });

  it('opens payloads sealed with a retired key after a rotation, and seals new ones with the new key', async () => {
    const before = newPayloadKeyLine(new Date('2026-01-01T00:00:00Z'));
    const oldCodec = new EncryptionCodec(parsePayloadKeyRing(before));
    const sealedBefore = await sealOne(oldCodec, row);
    const rotated = parsePayloadKeyRing(withNewActiveKey(before));
    expect(rotated.keys.size).toBe(2);
    const newCodec = new EncryptionCodec(rotated);
    expect(converter.fromPayload((await newCodec.decode([sealedBefore]))[0]!)).toEqual(row);
    const sealedAfter = await sealOne(newCodec, row);
    expect(utf8(sealedAfter.metadata![METADATA_KEY_ID])).toBe(rotated.activeId);
    expect(rotated.activeId).not.toBe(parsePayloadKeyRing(before).activeId);
    // The old ring alone cannot open what the new key sealed, and says which key it lacks.
    await expect(oldCodec.decode([sealedAfter])).rejects.toThrow(new RegExp(`key ${rotated.activeId}.*does not hold`));
  });

  it('refuses a payload altered after sealing, with an error that says so', async () => {
    const sealed = await sealOne(codec, row);
    const data = Buffer.from(sealed.data!);
    data[20] = data[20]! ^ 0x01;
    const tampered = { ...sealed, data };
    await expect(codec.decode([tampered])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([tampered])).rejects.toThrow(/fails authentication: it was altered after sealing/);
    await expect(codec.decode([{ ...sealed, data: data.subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('refuses a payload relabelled with another key id of the ring (the id is authenticated)', async () => {
    const two = parsePayloadKeyRing(`${newPayloadKeyLine()}\n${newPayloadKeyLine()}`);
    const [first, second] = [...two.keys.keys()];
    const sealed = await sealOne(new EncryptionCodec(two), row);
    expect(utf8(sealed.metadata![METADATA_KEY_ID])).toBe(first);
    const relabelled = { ...sealed, metadata: { ...sealed.metadata, [METADATA_KEY_ID]: Buffer.from(second!) } };
    await expect(new EncryptionCodec(two).decode([relabelled])).rejects.toThrow(/fails authentication/);
  });

  it('lets payloads that were never sealed pass through', async () => {
    const plain = converter.toPayload('不含个人信息');
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});

describe('the payload key ring', () => {
  it('names the line and the fault of a bad key ring, never the key', () => {
    const good = newPayloadKeyLine();
    expect(() => parsePayloadKeyRing('')).toThrow(/ZHISHEN_PAYLOAD_KEYS: no key/);
    expect(() => parsePayloadKeyRing(`# comment\n${good.split(' ')[0]} AAAA`)).toThrow(/line 2 .*32 bytes/);
    expect(() => parsePayloadKeyRing(`${good}\n${good}`)).toThrow(/line 2: key id .* appears twice/);
    expect(() => parsePayloadKeyRing(`k1 !!notbase64!!`)).toThrow(/line 1 \(key k1\): the key is not base64/);
    expect(() => parsePayloadKeyRing('just-one-word')).toThrow(/line 1: expected "<key id> <base64 key>"/);
    const shortKey = Buffer.alloc(16, 7).toString('base64');
    const error = (() => {
      try {
        parsePayloadKeyRing(`k1 ${shortKey}`);
      } catch (err) {
        return String(err);
      }
      return 'accepted';
    })();
    expect(error).toMatch(/key k1.*32 bytes/);
    expect(error).not.toContain(shortKey);
  });

  it('is made under <dataDir>/keys for the embedded stack, and required from the environment on a cluster', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-keys-'));
    try {
      const embedded = loadConfig({ ZHISHEN_DATA_DIR: dataDir });
      const ring = loadPayloadKeyRing(embedded, {});
      const file = path.join(dataDir, 'keys', PayloadKeysSpec.file);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(loadPayloadKeyRing(embedded, {}).activeId).toBe(ring.activeId);

      const cluster = loadConfig({ ZHISHEN_DATA_DIR: path.join(dataDir, 'elsewhere'), TEMPORAL_ADDRESS: 'temporal.bureau:7233' });
      expect(() => loadPayloadKeyRing(cluster, {})).toThrow(/set ZHISHEN_PAYLOAD_KEYS or ZHISHEN_PAYLOAD_KEYS_FILE/);
      const fromEnv = loadPayloadKeyRing(cluster, { ZHISHEN_PAYLOAD_KEYS: fs.readFileSync(file, 'utf8') });
      expect(fromEnv.activeId).toBe(ring.activeId);
      expect(loadPayloadKeyRing(cluster, { ZHISHEN_PAYLOAD_KEYS_FILE: file }).activeId).toBe(ring.activeId);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

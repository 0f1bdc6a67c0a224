import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, setting, STAND_IN_ACCOUNT } from './env';

describe('worker configuration from the environment', () => {
  it('serves every task queue by default, or the ones ZHISHEN_WORKER_QUEUES names', () => {
    expect(loadConfig({}).worker).toEqual({
      queues: ['zhishen', 'legacy-bots', 'ocr'],
      botSlots: undefined,
      botTimeoutMs: undefined,
      botTrace: 'on-retry',
      ocrSlots: undefined,
      ocrThreads: 1,
      ocrEngine: 'ppocr',
    });
    expect(loadConfig({ ZHISHEN_WORKER_QUEUES: ' ocr, ocr ', ZHISHEN_OCR_SLOTS: '3' }).worker).toEqual({
      queues: ['ocr'],
      botSlots: undefined,
      botTimeoutMs: undefined,
      botTrace: 'on-retry',
      ocrSlots: 3,
      ocrThreads: 1,
      ocrEngine: 'ppocr',
    });
    expect(loadConfig({ ZHISHEN_BOT_TIMEOUT_MS: '60000' }).worker).toMatchObject({ botTimeoutMs: 60_000 });
    expect(loadConfig({ ZHISHEN_BOT_TRACE: 'every-step' }).worker).toMatchObject({ botTrace: 'every-step' });
    expect(() => loadConfig({ ZHISHEN_BOT_TRACE: 'always' })).toThrow(/ZHISHEN_BOT_TRACE/);
    // The OCR engine is the worker's as much as the ocr command's.
    expect(loadConfig({ ZHISHEN_OCR_ENGINE: 'tesseract' }).worker).toMatchObject({ ocrEngine: 'tesseract' });
    expect(() => loadConfig({ ZHISHEN_OCR_ENGINE: 'easyocr' })).toThrow(/ZHISHEN_OCR_ENGINE/);
    expect(loadConfig({ ZHISHEN_WORKER_QUEUES: 'zhishen,legacy-bots', ZHISHEN_BOT_SLOTS: '8' }).worker).toMatchObject({
      queues: ['zhishen', 'legacy-bots'],
      botSlots: 8,
    });
  });

  it('names the variable and the queues it accepts when a value is wrong', () => {
    expect(() => loadConfig({ ZHISHEN_WORKER_QUEUES: 'ocr,bots' })).toThrow(/ZHISHEN_WORKER_QUEUES.*zhishen, legacy-bots, ocr/);
    expect(() => loadConfig({ ZHISHEN_WORKER_QUEUES: ',' })).toThrow(/ZHISHEN_WORKER_QUEUES/);
    expect(() => loadConfig({ ZHISHEN_BOT_SLOTS: '0' })).toThrow(/ZHISHEN_BOT_SLOTS/);
    expect(() => loadConfig({ ZHISHEN_BOT_TIMEOUT_MS: '5s' })).toThrow(/ZHISHEN_BOT_TIMEOUT_MS/);
  });

  it('retries technical faults at most ZHISHEN_RETRY_MAX_INTERVAL seconds apart, five minutes unless set', () => {
    expect(loadConfig({}).retry).toEqual({ maximumIntervalSeconds: 300 });
    expect(loadConfig({ ZHISHEN_RETRY_MAX_INTERVAL: '5' }).retry).toEqual({ maximumIntervalSeconds: 5 });
    expect(() => loadConfig({ ZHISHEN_RETRY_MAX_INTERVAL: '0' })).toThrow(/ZHISHEN_RETRY_MAX_INTERVAL/);
    expect(() => loadConfig({ ZHISHEN_RETRY_MAX_INTERVAL: '5m' })).toThrow(/ZHISHEN_RETRY_MAX_INTERVAL/);
  });
});

describe('the core system and the bots account in it', () => {
  it('without LEGACY_URL: the stand-in on LEGACY_PORT, with its own account unless one is given', () => {
    expect(loadConfig({}).legacy).toMatchObject({ url: 'http://127.0.0.1:8090', standIn: true, port: 8090, account: STAND_IN_ACCOUNT });
    expect(loadConfig({ LEGACY_PORT: '9001', LEGACY_USERNAME: 'clerk7', LEGACY_PASSWORD: 's3cret' }).legacy).toMatchObject({
      url: 'http://127.0.0.1:9001',
      standIn: true,
      port: 9001,
      account: { username: 'clerk7', password: 's3cret' },
    });
    // Half an account is a mistake, not a reason to fall back.
    expect(() => loadConfig({ LEGACY_USERNAME: 'clerk7' })).toThrow(/LEGACY_PASSWORD: set LEGACY_USERNAME and LEGACY_PASSWORD/);
  });

  it('with LEGACY_URL: the account is required, and never the stand-in one', () => {
    for (const env of [{}, { LEGACY_USERNAME: 'rpa-prod' }, { LEGACY_PASSWORD: 'x' }, { LEGACY_USERNAME: '', LEGACY_PASSWORD: '' }]) {
      expect(() => loadConfig({ LEGACY_URL: 'https://core.example.gov.cn/', ...env })).toThrow(
        /LEGACY_URL is set.*set LEGACY_USERNAME and LEGACY_PASSWORD \(or LEGACY_PASSWORD_FILE\)/,
      );
    }
    const config = loadConfig({ LEGACY_URL: 'https://core.example.gov.cn/', LEGACY_USERNAME: 'rpa-prod', LEGACY_PASSWORD: 'issued' });
    expect(config.legacy).toMatchObject({
      url: 'https://core.example.gov.cn',
      standIn: false,
      port: 8090,
      account: { username: 'rpa-prod', password: 'issued' },
    });
  });

  it('reads the password from LEGACY_PASSWORD_FILE, a mounted secret', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-env-'));
    try {
      const file = path.join(dir, 'legacy-password');
      fs.writeFileSync(file, 'from-the-vault\n');
      const env = { LEGACY_URL: 'https://core.example.gov.cn', LEGACY_USERNAME: 'rpa-prod', LEGACY_PASSWORD_FILE: file };
      expect(loadConfig(env).legacy.account).toEqual({ username: 'rpa-prod', password: 'from-the-vault' });
      expect(() => loadConfig({ ...env, LEGACY_PASSWORD: 'also' })).toThrow(
        /LEGACY_PASSWORD_FILE: set LEGACY_PASSWORD or LEGACY_PASSWORD_FILE, not both/,
      );
      expect(() => loadConfig({ ...env, LEGACY_PASSWORD_FILE: path.join(dir, 'missing') })).toThrow(/LEGACY_PASSWORD_FILE: cannot read/);
      fs.writeFileSync(file, '\n');
      expect(() => loadConfig(env)).toThrow(/LEGACY_PASSWORD_FILE: the file is empty/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('settings of the CLI and of shared code', () => {
  it('takes the acting person and the passwords the CLI would prompt for, empty meaning unset', () => {
    expect(loadConfig({}).cli).toEqual({ user: undefined, password: undefined, newPassword: undefined });
    expect(loadConfig({ ZHISHEN_USER: 'li.na', ZHISHEN_PASSWORD: 'pw-1', ZHISHEN_NEW_PASSWORD: '' }).cli).toEqual({
      user: 'li.na',
      password: 'pw-1',
      newPassword: undefined,
    });
    expect(() => loadConfig({ ZHISHEN_DATABASE_OWNER_URL: 'mysql://x' })).toThrow(/ZHISHEN_DATABASE_OWNER_URL: expected postgres/);
  });

  it('reads one setting alone through the same schema, by name', () => {
    expect(setting('ZHISHEN_CJK_FONT', {})).toBe('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
    expect(setting('ZHISHEN_CJK_FONT', { ZHISHEN_CJK_FONT: '/opt/fonts/cjk.ttc' })).toBe('/opt/fonts/cjk.ttc');
    expect(setting('ZHISHEN_BUILD', { ZHISHEN_BUILD: ' v2+abc ' })).toBe('v2+abc');
    expect(setting('ZHISHEN_BUILD', { ZHISHEN_BUILD: '' })).toBeUndefined();
    expect(() => setting('ZHISHEN_BUILD', { ZHISHEN_BUILD: 'a b' })).toThrow(
      /^environment variable ZHISHEN_BUILD: expected a commit or build name/,
    );
  });
});

describe('keys given in the environment', () => {
  it('takes a key as its text or as a file, not both', () => {
    expect(() => loadConfig({ ZHISHEN_PAYLOAD_KEYS: 'k1 AAAA', ZHISHEN_PAYLOAD_KEYS_FILE: '/run/secrets/payload' })).toThrow(
      /ZHISHEN_PAYLOAD_KEYS_FILE: set ZHISHEN_PAYLOAD_KEYS or ZHISHEN_PAYLOAD_KEYS_FILE, not both/,
    );
    expect(() => loadConfig({ ZHISHEN_ACT_SIGNING_KEY_FILE: '/run/secrets/act.pem', ZHISHEN_CHECKPOINT_SIGNING_KEY: '' })).not.toThrow();
  });
});

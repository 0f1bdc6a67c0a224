import { describe, expect, it } from 'vitest';
import { notifySettings } from './settings';

describe('notification settings', () => {
  it('configures no channel by default', () => {
    expect(notifySettings({})).toEqual({ smtp: null, webhookUrl: null, faultStorm: { count: 20, minutes: 10 }, intervalSeconds: 15 });
  });

  it('reads a mail server from its URL, with the sender', () => {
    const { smtp } = notifySettings({
      ZHISHEN_SMTP_URL: 'smtps://zhishen:p%40ss@mail.bureau.example',
      ZHISHEN_MAIL_FROM: '智审 <z@b.example>',
    });
    expect(smtp).toEqual({
      host: 'mail.bureau.example',
      port: 465,
      secure: true,
      auth: { user: 'zhishen', pass: 'p@ss' },
      from: '智审 <z@b.example>',
    });
  });

  it('reads a mail server from its parts', () => {
    const { smtp } = notifySettings({
      ZHISHEN_SMTP_HOST: 'mail.bureau.example',
      ZHISHEN_SMTP_USER: 'zhishen',
      ZHISHEN_SMTP_PASSWORD: 'secret',
      ZHISHEN_MAIL_FROM: 'z@b.example',
    });
    expect(smtp).toMatchObject({ host: 'mail.bureau.example', port: 587, secure: false, auth: { user: 'zhishen', pass: 'secret' } });
  });

  it('refuses what cannot work, naming the setting', () => {
    expect(() => notifySettings({ ZHISHEN_SMTP_URL: 'smtp://mail:25' })).toThrow(/ZHISHEN_MAIL_FROM/);
    expect(() => notifySettings({ ZHISHEN_SMTP_URL: 'smtp://mail:25', ZHISHEN_SMTP_HOST: 'mail', ZHISHEN_MAIL_FROM: 'a@b.c' })).toThrow(
      /ZHISHEN_SMTP_HOST/,
    );
    expect(() => notifySettings({ ZHISHEN_SMTP_URL: 'http://mail', ZHISHEN_MAIL_FROM: 'a@b.c' })).toThrow(/ZHISHEN_SMTP_URL/);
    expect(() => notifySettings({ ZHISHEN_SMTP_HOST: 'mail', ZHISHEN_SMTP_USER: 'u', ZHISHEN_MAIL_FROM: 'a@b.c' })).toThrow(
      /ZHISHEN_SMTP_USER/,
    );
    expect(() => notifySettings({ ZHISHEN_NOTIFY_WEBHOOK_URL: 'ftp://robot' })).toThrow(/ZHISHEN_NOTIFY_WEBHOOK_URL/);
    expect(() => notifySettings({ ZHISHEN_NOTIFY_FAULT_STORM_COUNT: '0' })).toThrow(/ZHISHEN_NOTIFY_FAULT_STORM_COUNT/);
  });
});

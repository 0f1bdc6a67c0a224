import { setting } from '../config/env';
import { readSecret } from '../security/keyFiles';

/** How to reach the mail server (nodemailer's transport options, minus what nobody here sets). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (smtps://, port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  auth: { user: string; pass: string } | null;
  from: string;
}

/** The channels notifications leave by, each optional; the console's list needs no setting. */
export interface NotifySettings {
  smtp: SmtpSettings | null;
  webhookUrl: string | null;
  /** A storm of bot faults: `count` events within `minutes`. */
  faultStorm: { count: number; minutes: number };
  /** Seconds between two rounds of the worker's delivery. */
  intervalSeconds: number;
}

/**
 * The notification settings of this process (docs/notifications.md), each read and checked by the
 * configuration's own schema (`setting`). A mail server needs a sender; the URL and the parts are
 * alternatives, never both.
 */
export function notifySettings(env: NodeJS.ProcessEnv = process.env): NotifySettings {
  const url = setting('ZHISHEN_SMTP_URL', env);
  const host = setting('ZHISHEN_SMTP_HOST', env);
  if (url && host) throw new Error('environment variable ZHISHEN_SMTP_HOST: set ZHISHEN_SMTP_URL or ZHISHEN_SMTP_HOST, not both');
  if (setting('ZHISHEN_SMTP_PASSWORD', env) && setting('ZHISHEN_SMTP_PASSWORD_FILE', env))
    throw new Error('environment variable ZHISHEN_SMTP_PASSWORD_FILE: set ZHISHEN_SMTP_PASSWORD or ZHISHEN_SMTP_PASSWORD_FILE, not both');
  let smtp: SmtpSettings | null = null;
  if (url || host) {
    const from = setting('ZHISHEN_MAIL_FROM', env);
    if (!from)
      throw new Error(
        'environment variable ZHISHEN_MAIL_FROM: a mail server is configured, so set the sender (e.g. 智审 <zhishen@bureau.example>)',
      );
    if (url) {
      const u = new URL(url);
      const secure = u.protocol === 'smtps:';
      const user = decodeURIComponent(u.username);
      smtp = {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: Number(u.port) || (secure ? 465 : 587),
        secure,
        auth: user ? { user, pass: decodeURIComponent(u.password) } : null,
        from,
      };
    } else {
      const port = setting('ZHISHEN_SMTP_PORT', env) ?? 587;
      const user = setting('ZHISHEN_SMTP_USER', env);
      const pass = readSecret('ZHISHEN_SMTP_PASSWORD', {
        ZHISHEN_SMTP_PASSWORD: setting('ZHISHEN_SMTP_PASSWORD', env),
        ZHISHEN_SMTP_PASSWORD_FILE: setting('ZHISHEN_SMTP_PASSWORD_FILE', env),
      })?.replace(/\r?\n$/, '');
      if (Boolean(user) !== Boolean(pass))
        throw new Error('environment variable ZHISHEN_SMTP_USER: set ZHISHEN_SMTP_USER and ZHISHEN_SMTP_PASSWORD (or _FILE) together');
      smtp = { host: host!, port, secure: port === 465, auth: user ? { user, pass: pass! } : null, from };
    }
  }
  return {
    smtp,
    webhookUrl: setting('ZHISHEN_NOTIFY_WEBHOOK_URL', env) ?? null,
    faultStorm: { count: setting('ZHISHEN_NOTIFY_FAULT_STORM_COUNT', env), minutes: setting('ZHISHEN_NOTIFY_FAULT_STORM_MINUTES', env) },
    intervalSeconds: setting('ZHISHEN_NOTIFY_INTERVAL_SECONDS', env),
  };
}

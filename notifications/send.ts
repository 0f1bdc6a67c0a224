import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import type { OutboxRow } from '../store/notificationOutbox';
import type { SmtpSettings } from './settings';

/** A send that failed: `permanent` when the other side refused the message itself (retrying would not help). */
export class SendFailed extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Sends one outbox row by its channel; resolves only when the other side has accepted it. */
export type Sender = (row: OutboxRow) => Promise<void>;

/** The same Message-ID for every attempt of a row, so a mail system that sees it twice can tell. */
const messageIdOf = (row: OutboxRow) =>
  `<${crypto.createHash('sha256').update(`${row.eventKey}\n${row.recipient}`).digest('hex').slice(0, 32)}@zhishen.notify>`;

/** Sends mail through the configured SMTP server: one connection per send, bounded timeouts. */
export function smtpSender(smtp: SmtpSettings): Sender {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.auth ? { auth: smtp.auth } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return async (row) => {
    try {
      await transport.sendMail({
        from: smtp.from,
        to: row.address,
        subject: row.subject,
        text: row.body,
        messageId: messageIdOf(row),
        headers: { 'X-Zhishen-Event': row.eventKey },
      });
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // 5xx: the server refused this message or mailbox; anything else (down, 4xx, timeout) is passing.
      throw new SendFailed(`SMTP: ${(err as Error).message}`, typeof code === 'number' && code >= 500);
    }
  };
}

/**
 * POSTs the message as a text message in the shape both 企业微信 and 钉钉 group robots take
 * (`{"msgtype":"text","text":{"content":…}}`); the event key goes in a header for receivers that de-duplicate.
 */
export function webhookSender(timeoutMs = 15_000): Sender {
  return async (row) => {
    let res: Response;
    try {
      res = await fetch(row.address, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-zhishen-event': row.eventKey, 'idempotency-key': row.eventKey },
        body: JSON.stringify({ msgtype: 'text', text: { content: `${row.subject}\n${row.body}` } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new SendFailed(`webhook: ${(err as Error).message}`, false);
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) {
      const passing = res.status >= 500 || res.status === 408 || res.status === 429;
      throw new SendFailed(`webhook: HTTP ${res.status} ${text.slice(0, 200)}`, !passing);
    }
  };
}

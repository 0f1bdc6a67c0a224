import { errors as playwrightErrors } from 'playwright';
import { maskIdNumbersIn } from '../rules/idNumber';

/** A file kept as evidence of what the bot saw when it failed. */
export interface EvidenceFile {
  kind: 'screenshot' | 'trace' | 'html';
  path: string;
  sha256: string;
}

export type TechnicalFaultKind = 'timeout' | 'server-error' | 'session-expired' | 'unreachable' | 'page-closed' | 'unexpected-screen';

/**
 * The core system or the browser misbehaved (slow page, HTTP 500, expired session, crash): nothing
 * is wrong with the case, so the step may be retried. Messages never carry a full 身份证号.
 */
export class TechnicalFault extends Error {
  override readonly name = 'TechnicalFault';
  readonly retryable = true;
  /** Screenshot, page and trace kept when the failure happened, if the caller asked for them. */
  evidence: EvidenceFile[] = [];

  constructor(
    readonly kind: TechnicalFaultKind,
    message: string,
  ) {
    super(maskIdNumbersIn(message));
  }
}

/**
 * The core system refused the case for a business reason (no such person, record locked, a
 * conflicting entry): retrying will not help, a clerk must look. `message` is the Chinese text for the clerk.
 */
export class BusinessFault extends Error {
  override readonly name = 'BusinessFault';
  readonly retryable = false;
  evidence: EvidenceFile[] = [];

  constructor(
    readonly code: string,
    message: string,
    /** False when the refusal is about the bot, not the case (its account was refused): no clerk can fix the case. */
    readonly concernsCase = true,
  ) {
    super(maskIdNumbersIn(message));
  }
}

/** Whether a failure is worth another attempt: technical faults are, business faults and bugs are not. */
export const isRetryable = (err: unknown): boolean => err instanceof TechnicalFault;

/**
 * Any failure as a bot fault: Playwright's timeouts, closed pages and network errors become
 * technical faults; faults pass through; anything else (a bug of ours) is returned unchanged.
 * Playwright's error is not kept as `cause`: its text names URLs with 身份证号 in them, and a cause
 * travels unmasked into logs and workflow histories. Its first line, masked, is in the message.
 */
export function asBotFault(err: unknown): unknown {
  if (err instanceof TechnicalFault || err instanceof BusinessFault) return err;
  if (err instanceof playwrightErrors.TimeoutError) return new TechnicalFault('timeout', `核心系统响应超时: ${err.message.split('\n')[0]}`);
  if (!(err instanceof Error)) return err;
  const first = err.message.split('\n')[0] ?? '';
  if (
    /Target (page, context or browser )?(has been |is )?closed|Browser has been closed|Page crashed|browser has disconnected/i.test(
      err.message,
    )
  ) {
    return new TechnicalFault('page-closed', `浏览器页面已关闭: ${first}`);
  }
  if (/net::ERR_|ECONNREFUSED|ECONNRESET/.test(err.message)) {
    return new TechnicalFault('unreachable', `无法连接核心系统: ${first}`);
  }
  return err;
}

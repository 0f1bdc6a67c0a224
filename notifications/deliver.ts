import crypto from 'node:crypto';
import type { Logger } from '../logging/logger';
import type { Store } from '../store';
import { claimDueMessages, markMessageFailed, markMessageSent, type OutboxChannel } from '../store/notificationOutbox';
import { SendFailed, smtpSender, webhookSender, type Sender } from './send';
import type { NotifySettings } from './settings';

/** The senders of the configured channels; a row of an unconfigured channel waits (its setting was removed). */
export type Senders = Partial<Record<OutboxChannel, Sender>>;

/** The senders the settings configure. */
export function configuredSenders(settings: Pick<NotifySettings, 'smtp' | 'webhookUrl'>): Senders {
  return { ...(settings.smtp ? { email: smtpSender(settings.smtp) } : {}), ...(settings.webhookUrl ? { webhook: webhookSender() } : {}) };
}

/** Waits after a failed attempt: 30 s, doubling, at most 30 minutes; a row is never given up for a passing failure. */
const defaultBackoffMs = (attempts: number): number => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);

export interface DeliveryOptions {
  now?: () => Date;
  /** How long an attempt holds its rows: longer than any send takes (the SMTP timeouts are 15 s + 60 s). */
  leaseMs?: number;
  /** Rows taken per round. */
  batchSize?: number;
  backoffMs?: (attempts: number) => number;
  logger?: Logger;
}

/** What one delivery run did. */
export interface Delivered {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Sends every outbox row that is due, once per attempt: the row is claimed under a fresh attempt ID
 * before the send and marked sent after it, both conditional on that ID. A failure goes back to
 * pending with a back-off (nothing is lost while the mail server is down); a message the other side
 * refused is marked failed. The one window for a repeat is a process dying between the other side's
 * acceptance and the mark (docs/notifications.md).
 */
export async function deliverDue(store: Store, senders: Senders, options: DeliveryOptions = {}): Promise<Delivered> {
  const now = options.now ?? (() => new Date());
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const backoff = options.backoffMs ?? defaultBackoffMs;
  const done: Delivered = { sent: 0, retrying: 0, failed: 0 };
  const tried = new Set<string>();
  for (;;) {
    const attemptId = crypto.randomUUID();
    const started = now();
    const rows = await claimDueMessages(store, {
      attemptId,
      now: started,
      leaseUntil: new Date(started.getTime() + leaseMs),
      limit: options.batchSize ?? 20,
      // A row is tried once per run: one that failed now waits for the next run, whatever its back-off.
      except: [...tried],
    });
    if (rows.length === 0) return done;
    for (const row of rows) {
      tried.add(row.id);
      const send = senders[row.channel];
      try {
        if (!send) throw new SendFailed(`${row.channel} is not configured in this process`, false);
        await send(row);
      } catch (err) {
        const failed = err instanceof SendFailed ? err : new SendFailed((err as Error).message, false);
        const retryAt = failed.permanent ? 'never' : new Date(now().getTime() + backoff(row.attempts));
        await markMessageFailed(store, row.id, attemptId, failed.message, retryAt);
        if (failed.permanent) done.failed++;
        else done.retrying++;
        options.logger?.warn(
          `notification ${row.eventKey} to ${row.recipient} by ${row.channel}: ${failed.message}${failed.permanent ? ' (given up)' : ` (attempt ${row.attempts}, retried later)`}`,
        );
        continue;
      }
      if (await markMessageSent(store, row.id, attemptId, now())) done.sent++;
      else options.logger?.warn(`notification ${row.eventKey} to ${row.recipient}: sent, but the claim had passed to another attempt`);
    }
  }
}

/** The worker's delivery: a round every interval, and one at once when nudged (an event was just produced). */
export interface DeliveryLoop {
  nudge(): void;
  stop(): Promise<void>;
}

/** Starts delivering in this process; rounds never overlap, and a failed round is logged and tried again next time. */
export function startDeliveryLoop(options: {
  store: Store;
  senders: Senders;
  intervalMs: number;
  logger: Logger;
  delivery?: DeliveryOptions;
}): DeliveryLoop {
  const { store, senders, logger } = options;
  let running: Promise<void> = Promise.resolve();
  let queued = false;
  let stopped = false;
  const round = () => {
    if (stopped || queued) return;
    queued = true;
    running = running
      .then(async () => {
        queued = false;
        const done = await deliverDue(store, senders, { logger, ...options.delivery });
        if (done.sent + done.failed + done.retrying > 0)
          logger.info(`notifications: ${done.sent} sent, ${done.retrying} to retry, ${done.failed} refused`);
      })
      .catch((err: unknown) => {
        logger.error(`notification delivery failed: ${err instanceof Error ? err.message : String(err)}`);
      });
  };
  const timer = setInterval(round, options.intervalMs);
  timer.unref();
  round();
  return {
    nudge: round,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

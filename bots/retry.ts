import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable } from './errors';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Wait before the second attempt; doubled each time, up to maxDelayMs. */
  delayMs?: number;
  maxDelayMs?: number;
  /** Told of each failure that will be retried (for the log). */
  onRetry?: (err: unknown, attempt: number) => void;
}

/**
 * Runs a bot step until it succeeds, retrying technical faults with backoff; business faults and
 * bugs end it at once. Under Temporal the activity's retry policy plays this part instead.
 */
export async function withRetries<T>(step: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  let delay = options.delayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (err) {
      if (!isRetryable(err) || attempt >= attempts) throw err;
      options.onRetry?.(err, attempt);
      await sleep(delay);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    }
  }
}

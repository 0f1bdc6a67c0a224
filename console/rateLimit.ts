/**
 * Failed logins per username and address: after `maxFailures` within `windowMs` the pair is refused
 * until the oldest failure ages out, so password guessing costs hours instead of seconds.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private key(username: string, ip: string): string {
    return `${username.toLowerCase()}\u0000${ip}`;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Milliseconds until the pair may try again; 0 when it may try now. */
  retryAfterMs(username: string, ip: string): number {
    const recent = this.recent(this.key(username, ip));
    if (recent.length < this.maxFailures) return 0;
    return recent[recent.length - this.maxFailures]! + this.windowMs - this.now();
  }

  recordFailure(username: string, ip: string): void {
    const key = this.key(username, ip);
    this.failures.set(key, [...this.recent(key), this.now()]);
  }

  recordSuccess(username: string, ip: string): void {
    this.failures.delete(this.key(username, ip));
  }
}

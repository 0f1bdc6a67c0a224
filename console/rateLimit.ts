import {
  forgetLoginAttempt,
  clearLoginFailures,
  pruneLoginFailures,
  recentLoginAttempts,
  recordLoginAttempt,
  type AttemptScope,
  type Store,
} from '../store';
import { beijingMinute } from '../time/beijing';

export interface ThrottleLimits {
  /** Attempts of one account from one address. */
  perPair: number;
  /** Attempts of one account from any addresses: guessing spread over many machines. */
  perAccount: number;
  /** Attempts from one address at any accounts: password spraying. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perPair: 5, perAccount: 10, perAddress: 20, windowMs: 15 * 60_000 };

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number; scope: AttemptScope };

/**
 * Login throttling over the store's login_failures: an attempt is recorded before its password is
 * checked (so a burst of parallel guesses is counted too) and then counted against three limits
 * within a sliding window. Over any of them the attempt is refused unchecked — even with the right
 * password — and forgotten, until the oldest counted attempt ages out. A success clears that
 * account's attempts from that address only: a spraying attacker's record is not wiped by a
 * colleague who logs in from elsewhere.
 */
export class LoginThrottle {
  constructor(
    private readonly store: Store,
    readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the attempt and says whether it may go on to the password check. */
  async admit(username: string, address: string): Promise<Admission> {
    const at = this.now();
    const since = new Date(at - this.limits.windowMs);
    await pruneLoginFailures(this.store, since);
    const id = await recordLoginAttempt(this.store, username, address, new Date(at));
    const scopes: [AttemptScope, number][] = [
      ['pair', this.limits.perPair],
      ['account', this.limits.perAccount],
      ['address', this.limits.perAddress],
    ];
    let refusal: { retryAfterMs: number; scope: AttemptScope } | undefined;
    for (const [scope, limit] of scopes) {
      const times = await recentLoginAttempts(this.store, scope, { username, address }, since, limit, id);
      if (times.length < limit) continue;
      const wait = times[limit - 1]! + this.limits.windowMs - at;
      if (!refusal || wait > refusal.retryAfterMs) refusal = { retryAfterMs: wait, scope };
    }
    if (!refusal) return { admitted: true };
    await forgetLoginAttempt(this.store, id);
    return { admitted: false, ...refusal };
  }

  /** The password was right: this account's attempts from this address are forgotten. */
  async succeeded(username: string, address: string): Promise<void> {
    await clearLoginFailures(this.store, username, address);
  }
}

/** The refusal a person reads: how long to wait, and until when in Beijing time. */
export function throttledMessage(retryAfterMs: number, now: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  const until = beijingMinute(now + retryAfterMs).slice(11);
  return `登录失败次数过多，请 ${minutes} 分钟后（北京时间 ${until} 之后）再试`;
}

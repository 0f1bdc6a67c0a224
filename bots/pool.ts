import type { Browser, BrowserContext } from 'playwright';
import { launchChromium } from './browser';
import { asBotFault, BusinessFault, TechnicalFault } from './errors';
import { beginEvidenceChunk, discardEvidenceChunk, saveEvidence, startEvidenceTrace } from './evidence';
import { BotSession, type LegacyCredentials } from './session';
import { tracesAttempt, type BotTracePolicy } from './tracePolicy';

export interface BrowserPoolOptions {
  /** Chromium to drive; the system's by default (browser.ts). */
  executablePath?: string;
  /** Logged-in contexts kept, each working one case at a time. */
  size: number;
  legacyUrl: string;
  credentials: LegacyCredentials;
  /** Longest wait for one page or element. */
  timeoutMs?: number;
  /** Where a failed step's screenshot, page and trace are kept; no evidence (and no tracing) when absent. */
  evidenceDir?: string;
  /** Which steps record a trace for that evidence (tracePolicy.ts); every step when not given. */
  trace?: BotTracePolicy;
  /**
   * Abort requests for what the bots never read (images, fonts, media) through the context's
   * routing, on top of the browser's own switches (BOT_CHROMIUM_ARGS). Off by default: routing
   * pauses every request of the context for Playwright to match it, which cost more than the
   * stand-in's screens (text and inline styles only) could save (docs/bots-performance.md).
   */
  blockResources?: boolean;
}

/** A step as its caller knows it: what to call its evidence, what to count it as, which attempt it is. */
interface BotStepInfo {
  /** Names the step's evidence files. */
  label?: string;
  /** Counts the step in `stats()` (e.g. `lump-sum/read`); not counted without one. */
  kind?: string;
  /** 1 for a step's first attempt; a later one follows a failed attempt of the same step (the trace policy's `on-retry`). */
  attempt?: number;
}

/** What the pool's steps of one kind (e.g. `lump-sum/read`) cost: steps run, screens loaded, time taken. */
export interface BotStepStats {
  steps: number;
  pageLoads: number;
  milliseconds: number;
}

export interface BrowserPool {
  /**
   * Lends a logged-in session for one case's step and takes it back. A step that fails with a
   * technical fault costs the session (its page may be anywhere); evidence of any failure is
   * attached to the fault when an evidence directory is configured.
   */
  withSession<T>(step: (session: BotSession) => Promise<T>, info?: BotStepInfo): Promise<T>;
  /** Steps, page loads and time so far, by the `kind` the steps were given (steps without one are not counted). */
  stats(): Record<string, BotStepStats>;
  close(): Promise<void>;
}

interface Seat {
  context: BrowserContext;
  session: BotSession;
}

/** Addresses of what a bot never reads: images, fonts, audio and video. */
const UNREAD_RESOURCES = /\.(png|jpe?g|gif|webp|avif|bmp|ico|svg|woff2?|ttf|otf|eot|mp3|mp4|webm|ogg)(\?.*)?$/i;

/** Counting semaphore: the pool's `size` seats, handed out in arrival order. */
class Seats {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

/**
 * One Chromium per process and `size` logged-in contexts reused across cases: a new context and a
 * login per case would cost more than the case's own screens.
 */
export function createBrowserPool(options: BrowserPoolOptions): BrowserPool {
  if (!Number.isInteger(options.size) || options.size < 1)
    throw new Error(`browser pool size must be a positive integer, got ${options.size}`);
  const seats = new Seats(options.size);
  const idle: Seat[] = [];
  let browser: Promise<Browser> | null = null;
  let closed = false;
  const stats = new Map<string, BotStepStats>();
  const count = (kind: string | undefined, pageLoads: number, milliseconds: number) => {
    if (!kind) return;
    const s = stats.get(kind) ?? { steps: 0, pageLoads: 0, milliseconds: 0 };
    stats.set(kind, { steps: s.steps + 1, pageLoads: s.pageLoads + pageLoads, milliseconds: s.milliseconds + milliseconds });
  };

  function theBrowser(): Promise<Browser> {
    if (!browser) {
      const launching = launchChromium(options.executablePath);
      browser = launching;
      launching.then(
        (b) =>
          b.on('disconnected', () => {
            // A crashed browser takes its contexts with it: start afresh on the next case.
            if (browser === launching) browser = null;
            idle.length = 0;
          }),
        () => {
          if (browser === launching) browser = null;
        },
      );
    }
    return browser;
  }

  async function openSeat(): Promise<Seat> {
    const context = await (await theBrowser()).newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    try {
      if (options.blockResources) await context.route(UNREAD_RESOURCES, (route) => route.abort('blockedbyclient'));
      if (options.evidenceDir) await startEvidenceTrace(context);
      const page = await context.newPage();
      const session = new BotSession(page, { baseUrl: options.legacyUrl, credentials: options.credentials, timeoutMs: options.timeoutMs });
      await session.run(() => session.login());
      return { context, session };
    } catch (err) {
      await context.close().catch(() => undefined);
      throw err;
    }
  }

  return {
    async withSession(step, { label = 'bot-step', kind, attempt = 1 } = {}) {
      const traced = options.evidenceDir !== undefined && tracesAttempt(options.trace ?? 'every-step', attempt);
      if (closed) throw new TechnicalFault('page-closed', '浏览器池已关闭');
      await seats.take();
      try {
        let seat: Seat;
        try {
          seat = idle.pop() ?? (await openSeat());
        } catch (err) {
          throw asBotFault(err);
        }
        if (traced) await beginEvidenceChunk(seat.context, label).catch(() => undefined);
        const loadsBefore = seat.session.pageLoads;
        const startedAt = performance.now();
        try {
          const result = await step(seat.session);
          count(kind, seat.session.pageLoads - loadsBefore, performance.now() - startedAt);
          if (traced) await discardEvidenceChunk(seat.context).catch(() => undefined);
          idle.push(seat);
          return result;
        } catch (err) {
          count(kind, seat.session.pageLoads - loadsBefore, performance.now() - startedAt);
          const fault = asBotFault(err);
          if (options.evidenceDir && (fault instanceof TechnicalFault || fault instanceof BusinessFault)) {
            fault.evidence = await saveEvidence(seat.session.page, options.evidenceDir, label).catch(() => []);
          }
          if (fault instanceof BusinessFault && !seat.session.page.isClosed()) idle.push(seat);
          else await seat.context.close().catch(() => undefined);
          throw fault;
        }
      } finally {
        seats.give();
      }
    },

    stats() {
      return Object.fromEntries(stats);
    },

    async close() {
      closed = true;
      const running = browser;
      browser = null;
      idle.length = 0;
      if (running) await (await running.catch(() => null))?.close();
    },
  };
}

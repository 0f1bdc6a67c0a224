import type { Page } from 'playwright';

/**
 * What a page object needs of the seat it works in: the page, and opening, following and checking
 * screens. BotSession is one; the login screen takes this rather than BotSession because the
 * session itself logs in through it, and a page that imported the session back would make a cycle.
 */
export interface ScreenSession {
  readonly page: Page;
  /** Opens a screen by its path. */
  open(path: string): Promise<void>;
  /** Does what sends the page elsewhere and waits for the new page; fails on a 500. */
  follow(action: () => Promise<unknown>): Promise<void>;
  /** The screen the page shows, by the `data-screen` of its body. */
  screen(): Promise<string>;
  /** Fails unless the page shows `expected`. */
  expectScreen(expected: string): Promise<void>;
}

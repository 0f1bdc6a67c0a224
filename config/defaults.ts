/**
 * Defaults more than one program needs. The Chromium the bots, the receipt renderer and the browser
 * tests launch: Debian's package unless CHROMIUM_PATH names another; Playwright's own browsers are
 * never downloaded.
 */
const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** The Chromium to launch: CHROMIUM_PATH, else the system's. */
export const systemChromiumPath = (env: NodeJS.ProcessEnv = process.env): string => env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;

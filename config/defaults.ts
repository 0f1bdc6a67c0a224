import fs from 'node:fs';

/**
 * Defaults more than one program needs. The Chromium the receipt renderer, the console's browser
 * tests and screenshots launch: Debian's package unless CHROMIUM_PATH names another; Playwright's
 * own browsers are never downloaded.
 */
const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The bots' browser: Debian's `chromium-headless-shell`, Chromium's build for automation (no
 * window system, no GPU process, no extensions or profile services), which spends far less CPU per
 * page than the full browser.
 */
export const DEFAULT_BOT_CHROMIUM_PATH = '/usr/bin/chromium-headless-shell';

/** The Chromium to launch: CHROMIUM_PATH, else the system's. */
export const systemChromiumPath = (env: NodeJS.ProcessEnv = process.env): string => env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;

/**
 * The browser the bots launch: ZHISHEN_BOT_CHROMIUM, else the headless shell, else (a machine set
 * up before the headless shell was a dependency) the full Chromium.
 */
export function botChromiumPath(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = fs.existsSync): string {
  if (env.ZHISHEN_BOT_CHROMIUM) return env.ZHISHEN_BOT_CHROMIUM;
  return exists(DEFAULT_BOT_CHROMIUM_PATH) ? DEFAULT_BOT_CHROMIUM_PATH : systemChromiumPath(env);
}

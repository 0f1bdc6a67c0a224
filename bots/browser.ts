import { chromium, type Browser } from 'playwright';

/** Flags for a headless Chromium in a container: no sandbox (no user namespaces), no GPU, no phoning home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** The system's Chromium (Debian's /usr/bin/chromium unless CHROMIUM_PATH says otherwise); Playwright's own browsers are never downloaded. */
export const defaultChromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches one headless Chromium for the process. */
export function launchChromium(executablePath: string = defaultChromiumPath()): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

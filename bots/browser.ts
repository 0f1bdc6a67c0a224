import { chromium, type Browser } from 'playwright';
import { botChromiumPath } from '../config/defaults';

/**
 * The features Playwright (1.65) disables on every launch. A second `--disable-features` replaces the
 * first, so ours repeats them (browser.test.ts fails when Playwright's list grows).
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
] as const;

/**
 * Flags for a headless Chromium in a container: no sandbox (no user namespaces), no GPU, no phoning
 * home. RenderDocument off: Chromium then keeps a page's frame host across same-site navigations
 * instead of building a new one per document, which cost the bots about a fifth of Chromium's CPU
 * per screen (165 → 125 ms of CPU per navigation to a person's detail screen of the stand-in).
 * Playwright adds its own automation switches (no extensions, no background networking or timer
 * throttling, no default apps…); these are the ones it leaves out.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, 'RenderDocument'].join(',')}`,
] as const;

/**
 * What the bots' browser adds: it reads text off server-rendered screens, so it loads no images or
 * web fonts, and starts no software rasteriser or print preview.
 */
export const BOT_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  '--blink-settings=imagesEnabled=false',
  '--disable-remote-fonts',
  '--disable-notifications',
  '--disable-speech-api',
  '--disable-print-preview',
  '--disable-software-rasterizer',
] as const;

/** Launches the bots' headless Chromium for the process (the headless shell unless configured otherwise). */
export function launchChromium(executablePath: string = botChromiumPath()): Promise<Browser> {
  // Playwright's own signal handlers would close the browser and exit the process on Ctrl-C, in the
  // middle of the worker's shutdown; the process that runs the pool closes it when it stops.
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...BOT_CHROMIUM_ARGS],
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

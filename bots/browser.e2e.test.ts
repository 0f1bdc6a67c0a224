import { chromium } from 'playwright';
import { describe, expect, it } from 'vitest';
import { botChromiumPath, systemChromiumPath } from '../config/defaults';
import { BOT_CHROMIUM_ARGS, CHROMIUM_ARGS, launchChromium } from './browser';

describe('Chromium flags', () => {
  it.each([
    ['the full Chromium', systemChromiumPath(), CHROMIUM_ARGS],
    ["the bots' headless shell", botChromiumPath(), BOT_CHROMIUM_ARGS],
  ])('keep every feature Playwright disables when adding ours (the last --disable-features wins): %s', async (_, executablePath, args) => {
    const server = await chromium.launchServer({ executablePath, headless: true, args: [...args] });
    try {
      const lists = server
        .process()
        .spawnargs.filter((a) => a.startsWith('--disable-features='))
        .map((a) => a.slice('--disable-features='.length).split(','));
      expect(lists.length).toBeGreaterThan(0);
      const effective = lists.at(-1)!;
      for (const list of lists)
        for (const feature of list)
          expect(effective, `Playwright now also disables ${feature}: add it to PLAYWRIGHT_DISABLED_FEATURES`).toContain(feature);
      expect(effective).toContain('RenderDocument');
    } finally {
      await server.close();
    }
  });

  it("launch the bots' browser as the headless shell, which reads a page's text", async () => {
    const browser = await launchChromium();
    try {
      expect(botChromiumPath()).toContain('headless-shell');
      const page = await browser.newPage();
      await page.setContent('<body data-screen="x"><p id="t">人员查询</p><img src="data:image/png;base64,iVBORw0KGgo="></body>');
      expect(await page.locator('#t').textContent()).toBe('人员查询');
    } finally {
      await browser.close();
    }
  });
});

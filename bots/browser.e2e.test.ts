import { chromium } from 'playwright';
import { describe, expect, it } from 'vitest';
import { systemChromiumPath } from '../config/defaults';
import { CHROMIUM_ARGS } from './browser';

describe('Chromium flags', () => {
  it('keep every feature Playwright disables when adding ours (the last --disable-features wins)', async () => {
    const server = await chromium.launchServer({ executablePath: systemChromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
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
});

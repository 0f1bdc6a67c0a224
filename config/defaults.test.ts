import { describe, expect, it } from 'vitest';
import { botChromiumPath, DEFAULT_BOT_CHROMIUM_PATH, systemChromiumPath } from './defaults';
import { loadConfig } from './env';

describe('which Chromium the bots launch', () => {
  it('is the headless shell unless ZHISHEN_BOT_CHROMIUM names another; CHROMIUM_PATH stays the full browser', () => {
    const everything = () => true;
    expect(botChromiumPath({}, everything)).toBe(DEFAULT_BOT_CHROMIUM_PATH);
    expect(botChromiumPath({ CHROMIUM_PATH: '/opt/chrome' }, everything)).toBe(DEFAULT_BOT_CHROMIUM_PATH);
    expect(botChromiumPath({ ZHISHEN_BOT_CHROMIUM: '/opt/shell' }, everything)).toBe('/opt/shell');
    expect(systemChromiumPath({})).toBe('/usr/bin/chromium');
    expect(loadConfig({ ZHISHEN_BOT_CHROMIUM: '/opt/shell' }).botChromiumPath).toBe('/opt/shell');
  });

  it('falls back to the full Chromium on a machine without the headless shell', () => {
    const nothing = () => false;
    expect(botChromiumPath({}, nothing)).toBe('/usr/bin/chromium');
    expect(botChromiumPath({ CHROMIUM_PATH: '/opt/chrome' }, nothing)).toBe('/opt/chrome');
  });
});

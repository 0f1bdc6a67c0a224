import fs from 'node:fs';

/** The project's version, recorded as the bots' version in the audit trail. */
export const ZHISHEN_VERSION: string = (
  JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

import { loadConfig } from '../config/env';
import { ALL_KEYS } from '../security/allKeys';
import { ensureKeyFiles, keyDir } from '../security/keyFiles';

/** `npm run setup`'s last step: the embedded stack's keys, made once, owner-only. */
const config = loadConfig();
const made = ensureKeyFiles(config.dataDir, ALL_KEYS);
process.stderr.write(
  made.length ? `[setup] keys made under ${keyDir(config.dataDir)}: ${made.map((f) => f.split('/').pop()).join(', ')}\n` : '',
);

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { temporalLoggerFor } from './temporalLogger';

describe('temporalLoggerFor', () => {
  it("hands winston only what it writes: the SDK's INFO and below are debug, its warnings are warnings", () => {
    const logger = createLogger('test', { logDir: fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-log-')), terminal: false, level: 'info' });
    const written: string[] = [];
    logger.on('data', (info: { level: string; message: string }) => written.push(`${info.level} ${info.message}`));
    const sdk = temporalLoggerFor(logger);
    let read = 0;
    const meta = {
      get workflowId() {
        read += 1;
        return 'case-1';
      },
    };
    sdk.info('Activity completed', meta);
    sdk.debug('Got workflow activation', meta);
    expect(read).toBe(0);
    sdk.warn('Activity failed', meta);
    expect(read).toBeGreaterThan(0);
    logger.level = 'debug';
    sdk.info('Activity completed');
    expect(written).toEqual(['warn Activity failed', 'debug Activity completed']);
  });
});

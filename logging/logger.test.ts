import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

describe('logger', () => {
  it('writes JSON lines with every 身份证号 masked, in message, metadata and errors', async () => {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-log-'));
    const logger = createLogger('test', { logDir, terminal: false });
    const id = '440402199910304597';
    logger.info(`person ${id} read`, { person: { idNumber: id, name: '程刚' }, ids: [id] });
    logger.error('failed', { error: new Error(`no record for ${id}`) });
    await new Promise<void>((resolve) => {
      logger.on('finish', resolve);
      logger.end();
    });
    const text = fs.readFileSync(path.join(logDir, 'zhishen.log'), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(text).not.toContain(id);
    expect(lines[0]).toMatchObject({ message: 'person 440402********4597 read', component: 'test', level: 'info' });
    expect(lines[0]!.person).toEqual({ idNumber: '440402********4597', name: '程刚' });
    expect(JSON.stringify(lines[1])).toContain('440402********4597');
  });

  it("drops a record below every transport's level before formatting it, and still writes one a transport takes", async () => {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-log-'));
    const logger = createLogger('test', { logDir, terminal: false, level: 'info' });
    // A getter that counts reads, one level down: winston copies a record's top level, masking walks all of it.
    let read = 0;
    const meta = {
      nested: {
        get probe() {
          read += 1;
          return 'x';
        },
      },
    };
    logger.debug('not written', meta);
    expect(read).toBe(0);
    logger.info('written', meta);
    expect(read).toBeGreaterThan(0);
    logger.level = 'debug';
    logger.debug('written too', { idNumber: '440402199910304597' });
    await new Promise<void>((resolve) => {
      logger.on('finish', resolve);
      logger.end();
    });
    const lines = fs.readFileSync(path.join(logDir, 'zhishen.log'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['written', 'written too']);
    expect(lines[1]).toContain('440402********4597');
  });
});

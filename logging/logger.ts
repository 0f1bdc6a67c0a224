import { OWNER_ONLY_DIR, OWNER_ONLY_FILE } from '../security/ownerOnly';
import fs from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import { maskIdNumbersIn } from '../rules/idNumber';
import { beijingIso } from '../time/beijing';

/** Deep copy of a log record with every 身份证号 in any string masked. */
export function maskDeep(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskIdNumbersIn(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: maskIdNumbersIn(value.message), stack: value.stack && maskIdNumbersIn(value.stack) };
  }
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, seen);
  return out;
}

// Masking is a format, so it runs before any transport sees the record: nothing unmasked reaches a file or terminal.
const maskIdNumbers = winston.format((info) => {
  for (const key of Reflect.ownKeys(info)) {
    if (typeof key === 'string') (info as Record<string, unknown>)[key] = maskDeep(info[key]);
  }
  return info;
});

const readable = winston.format.printf((info) => {
  const { level, message, timestamp, component, ...rest } = info as Record<string, unknown>;
  const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
  return `${String(timestamp).slice(11, 19)} ${level} ${component ? `[${String(component)}] ` : ''}${String(message)}${extra}`;
});

export type Logger = winston.Logger;

/** winston's key (triple-beam's) for the level a record was logged at, before colouring. */
const LEVEL = Symbol.for('level');

export interface LoggerOptions {
  /** Directory for the JSON-lines log file; none ⇒ terminal only. */
  logDir?: string;
  level?: string;
  /** Whether readable lines go to the terminal (stderr). */
  terminal?: boolean;
  /** A higher threshold for the terminal than for the file, e.g. while a progress bar is drawn. */
  terminalLevel?: string;
}

/** JSON lines to `<logDir>/zhishen.log`, readable lines to stderr, 身份证号 masked in both. */
export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  const transports: winston.transport[] = [];
  if (options.terminal !== false) {
    transports.push(
      new winston.transports.Console({
        level: options.terminalLevel,
        stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'],
        format: winston.format.combine(winston.format.colorize(), readable),
      }),
    );
  }
  if (options.logDir) {
    fs.mkdirSync(options.logDir, { recursive: true, mode: OWNER_ONLY_DIR });
    transports.push(
      // Owner only: the log names cases and people (身份证号 masked, names not).
      new winston.transports.File({
        filename: path.join(options.logDir, 'zhishen.log'),
        format: winston.format.json(),
        options: { flags: 'a', mode: OWNER_ONLY_FILE },
      }),
    );
  }
  // winston formats every record before its transports look at the level: a record none of them
  // writes (the Temporal SDK's debug narration of every activation and task) is dropped first, so
  // it is never masked, stamped or copied.
  const written = winston.format((info) => logger.isLevelEnabled((info as { [LEVEL]?: string })[LEVEL] ?? info.level) && info);
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { component },
    // Beijing time with its offset: the operators read these lines (and the terminal shows HH:MM:SS of it).
    format: winston.format.combine(written(), maskIdNumbers(), winston.format.timestamp({ format: () => beijingIso(new Date()) })),
    transports,
  });
  return logger;
}

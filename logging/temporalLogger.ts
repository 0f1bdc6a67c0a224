import { Runtime, type Logger as TemporalLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from './logger';

// The SDK narrates every worker state change at INFO; that is debugging detail for an operator of this project.
const LEVELS: Record<LogLevel, string> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'debug', WARN: 'warn', ERROR: 'error' };

// A worker that serves only activities (the `legacy-bots` queue) is told so as a warning: by design here.
const EXPECTED_NOTICES = /^No (workflows registered|Nexus services registered)/;

/** Routes the Temporal SDK's own logs (worker, workflows, activities) through winston, so they are masked too. */
export function temporalLoggerFor(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const ours = EXPECTED_NOTICES.test(message) ? 'debug' : LEVELS[level];
    // Most of what the SDK says (every activation, task and heartbeat) is debug: not even handed to winston unless written.
    if (logger.isLevelEnabled(ours)) logger.log(ours, message, meta ?? {});
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

let installed = false;
/** The SDK's runtime is process-wide: its logger is installed once, before any worker starts. */
export function installRuntimeLogger(logger: Logger): void {
  if (installed) return;
  Runtime.install({ logger: temporalLoggerFor(logger), shutdownSignals: [] });
  installed = true;
}

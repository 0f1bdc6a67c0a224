import type { Logger } from '../logging/logger';
import type { Store } from '../store';
import { botFaultsSince } from '../store/notificationOutbox';
import type { NotifyEvent } from './events';
import { produceNotification } from './produce';
import type { NotifySettings } from './settings';

/** What the activities use to tell people: an event, and each bot fault (counted towards a storm). */
export interface Notifier {
  /** Produces an event's notifications (idempotent by its key) and nudges delivery. */
  notify(event: NotifyEvent): Promise<void>;
  /** Called after a bot fault is on the record: tells the managers once per window when faults pile up. */
  botFault(at: Date): Promise<void>;
}

/** A notifier on the store; `delivered` is the process's delivery loop, nudged after each event with outgoing messages. */
export function createNotifier(options: {
  store: Store;
  settings: NotifySettings;
  logger: Logger;
  /** The console's address as people reach it (ZHISHEN_CONSOLE_PUBLIC_URL), for links in mail. */
  consoleUrl?: string;
  nudge?: () => void;
}): Notifier {
  const { store, settings, logger } = options;
  const notify = async (event: NotifyEvent) => {
    const produced = await produceNotification(store, settings, event, options.consoleUrl);
    if (produced.inbox + produced.outbox > 0)
      logger.info(`notification ${produced.eventKey}: ${produced.inbox} in the console, ${produced.outbox} to send`);
    if (produced.outbox > 0) options.nudge?.();
  };
  return {
    notify,
    async botFault(at) {
      const { count, minutes } = settings.faultStorm;
      const windowMs = minutes * 60_000;
      const since = new Date(at.getTime() - windowMs);
      const faults = await botFaultsSince(store, since);
      if (faults.count < count) return;
      // One storm notice per window of the clock: a storm that lasts is told again each window, not each fault.
      const windowStart = new Date(Math.floor(at.getTime() / windowMs) * windowMs);
      await notify({
        kind: 'bot-fault-storm',
        key: windowStart.toISOString(),
        faults: faults.count,
        minutes,
        since: since.toISOString(),
        lastFault: faults.lastMessage,
      });
    },
  };
}

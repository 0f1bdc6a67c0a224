import type { Logger } from '../logging/logger';
import type { Store } from '../store';
import { maskIdNumbersIn } from '../rules/idNumber';
import type { NotificationActivities } from '../workflows/activityContracts';
import { deliverDue, type Senders } from './deliver';
import type { Notifier } from './notifier';

/**
 * The notification activities: a batch that failed (from batchWorkflow's failure path) and one
 * delivery run on demand. Most events are produced inside the activities that record them
 * (activities/review.ts, finishBatch, the bots' faults), so their workflows did not change.
 */
export function notificationActivities(deps: {
  store: Store;
  notifier: Notifier;
  senders: Senders;
  logger: Logger;
}): NotificationActivities {
  return {
    async notifyBatchFailed({ batchId, message }) {
      await deps.notifier.notify({ kind: 'batch-failed', key: batchId, batchId, message: maskIdNumbersIn(message).slice(0, 500) });
    },
    async deliverNotifications() {
      return deliverDue(deps.store, deps.senders, { logger: deps.logger });
    },
  };
}

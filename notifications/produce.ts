import type { Store } from '../store';
import type { Role } from '../store/users';
import { recordNotification, type OutboxMessage } from '../store/notificationOutbox';
import { recipientNamed, recipientsByRole, type Recipient } from '../store/userEmail';
import { NotifyEvent } from './events';
import { composeMessage } from './messages';
import type { NotifySettings } from './settings';

/** The webhook's outbox rows are addressed to the group, not to a person. */
const WEBHOOK_RECIPIENT = '*';

/** Who an event goes to, resolved from the users as they are now (enabled, by role). */
async function recipientsOf(store: Store, event: NotifyEvent): Promise<Recipient[]> {
  const byRole = (roles: Role[]) => recipientsByRole(store, roles);
  switch (event.kind) {
    case 'review-reminder':
    case 'review-escalated': {
      const holder = event.holder ? await recipientNamed(store, event.holder) : undefined;
      const supervisors = await byRole(['supervisor']);
      return holder ? [holder, ...supervisors.filter((s) => s.username !== holder.username)] : supervisors;
    }
    case 'second-look':
      // Four eyes: the proposer cannot be the second pair.
      return (await byRole(['supervisor'])).filter((s) => s.username !== event.proposer);
    case 'batch-finished':
    case 'batch-failed':
    case 'bot-fault-storm':
      return byRole(['manager']);
  }
}

/** What producing an event wrote: new list entries and new outbox rows (both 0 when it was produced before). */
export interface Produced {
  eventKey: string;
  inbox: number;
  outbox: number;
}

/**
 * Produces an event's notifications: a list entry in the console for each recipient, an outbox row
 * per recipient with an address when a mail server is configured, one for the webhook when one is.
 * Idempotent by the event's key. Sending is delivery's job (deliver.ts), never done here.
 */
export async function produceNotification(
  store: Store,
  settings: Pick<NotifySettings, 'smtp' | 'webhookUrl'>,
  event: NotifyEvent,
  consoleUrl?: string,
): Promise<Produced> {
  const checked = NotifyEvent.parse(event);
  const eventKey = `${checked.kind}/${checked.key}`;
  const message = composeMessage(checked);
  const recipients = await recipientsOf(store, checked);
  const link = consoleUrl ? `${consoleUrl.replace(/\/$/, '')}${message.path}` : null;
  // Mail and the group chat are read away from the console: the address is there when it is known.
  const body = link ? `${message.body}\n查看：${link}` : message.body;
  const outbox: OutboxMessage[] = [];
  if (settings.smtp) {
    for (const r of recipients)
      if (r.email) outbox.push({ recipient: r.username, channel: 'email', address: r.email, subject: message.subject, body });
  }
  if (settings.webhookUrl)
    outbox.push({ recipient: WEBHOOK_RECIPIENT, channel: 'webhook', address: settings.webhookUrl, subject: message.subject, body });
  const written = await recordNotification(store, {
    eventKey,
    kind: checked.kind,
    subject: message.subject,
    body: message.body,
    link: message.path,
    inbox: recipients.map((r) => r.username),
    outbox,
  });
  return { eventKey, ...written };
}

-- Notifications that reach people (docs/notifications.md).
-- An optional e-mail address per user, set with `users set-email`; no address, no mail.
ALTER TABLE users ADD COLUMN email text CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+$');

-- The console's notification list: one row per event and person, written when the event is produced.
-- The unique key makes a retried producer write it once.
CREATE TABLE notifications (
  id         bigserial   PRIMARY KEY,
  event_key  text        NOT NULL,
  username   text        NOT NULL,
  kind       text        NOT NULL,
  subject    text        NOT NULL,
  body       text        NOT NULL,
  link       text,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at    timestamptz,
  CONSTRAINT notifications_once UNIQUE (event_key, username)
);
CREATE INDEX notifications_unread ON notifications (username) WHERE read_at IS NULL;

-- The outbox of messages leaving the system: one row per event, recipient and channel (e-mail to a
-- person, or the webhook, recipient '*'). A row is pending until a delivery attempt marks it sent;
-- `attempt_id` names the attempt holding it (until `claimed_until`), so an attempt's result is only
-- ever recorded by that attempt.
CREATE TABLE notification_outbox (
  id              bigserial   PRIMARY KEY,
  event_key       text        NOT NULL,
  recipient       text        NOT NULL,
  channel         text        NOT NULL CHECK (channel IN ('email', 'webhook')),
  address         text        NOT NULL,
  subject         text        NOT NULL,
  body            text        NOT NULL,
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  attempt_id      text,
  claimed_until   timestamptz,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  CONSTRAINT notification_outbox_once UNIQUE (event_key, recipient, channel)
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE status IN ('pending', 'sending');

-- Bot faults are counted over a recent window to tell a storm (the core system failing) from a blip.
CREATE INDEX audit_events_bot_faults ON audit_events (at) WHERE step = 'bot-fault';

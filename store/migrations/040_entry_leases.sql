-- Who may enter a case into the core system right now: one lease per case, its fencing token
-- rising by one each time an attempt takes it over. A bot submits only while its token is the
-- current one, so an attempt that stalled and was retried elsewhere cannot enter the case again.
CREATE TABLE entry_leases (
  case_id              text        PRIMARY KEY,
  token                bigint      NOT NULL CHECK (token > 0),
  -- The activity attempt holding it (workflow, run, activity, attempt), for the trail.
  holder               text        NOT NULL,
  -- When Temporal scheduled the holder's attempt: a later-scheduled attempt is a newer one.
  attempt_scheduled_at timestamptz NOT NULL,
  taken_at             timestamptz NOT NULL,
  -- Past this Temporal has given up on the holder (its start-to-close timeout): anyone may take over.
  expires_at           timestamptz NOT NULL
);

-- Exception review: who holds a case, its SLA, whether it was escalated; and the people who review.
ALTER TABLE cases
  ADD COLUMN claimed_by   text,
  ADD COLUMN sla_reminder timestamptz,
  ADD COLUMN sla_deadline timestamptz,
  ADD COLUMN escalated    boolean NOT NULL DEFAULT false;

CREATE INDEX cases_review ON cases (status, sla_deadline);

CREATE TABLE users (
  username      text        PRIMARY KEY CHECK (username ~ '^[a-z0-9_.-]{2,40}$'),
  display_name  text        NOT NULL,
  role          text        NOT NULL CHECK (role IN ('clerk', 'supervisor', 'manager', 'auditor', 'admin')),
  -- scrypt$N$r$p$salt$hash, hex; never the password itself.
  password_hash text        NOT NULL,
  disabled      boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

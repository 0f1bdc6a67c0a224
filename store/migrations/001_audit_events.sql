-- The audit trail: one append-only, hash-chained row per automated decision or effect.
-- `canonical` is the exact text whose sha256 is `hash`; the other columns are its queryable copy,
-- and verifyChain checks that both still agree.
CREATE TABLE audit_events (
  case_id          text        NOT NULL,
  seq              integer     NOT NULL CHECK (seq >= 1),
  workflow_id      text        NOT NULL,
  run_id           text        NOT NULL,
  step             text        NOT NULL,
  actor            jsonb       NOT NULL,
  at               timestamptz NOT NULL,
  inputs           jsonb       NOT NULL,
  rule_set_version text,
  outcome          jsonb,
  evidence         jsonb       NOT NULL,
  idempotency_key  text        NOT NULL,
  prev_hash        text,
  hash             text        NOT NULL,
  canonical        text        NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, seq),
  CONSTRAINT audit_events_idempotency UNIQUE (case_id, idempotency_key)
);

CREATE INDEX audit_events_run ON audit_events (workflow_id, run_id);

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Tamper tests disable these two by name, deliberately.
CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

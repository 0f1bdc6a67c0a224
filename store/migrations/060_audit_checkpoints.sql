-- One order over the whole trail, whatever the case: every event gets the next global sequence
-- number, and signed checkpoints (Merkle tree heads, RFC 9162 hashing) commit to the first N.
ALTER TABLE audit_events ADD COLUMN global_seq bigint;

-- Events already stored keep the order they were recorded in. Numbering them is the one update
-- the trail ever gets, by the owner inside this migration's transaction.
ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
UPDATE audit_events SET global_seq = numbered.n
  FROM (SELECT case_id, seq, row_number() OVER (ORDER BY recorded_at, case_id, seq) AS n FROM audit_events) AS numbered
 WHERE audit_events.case_id = numbered.case_id AND audit_events.seq = numbered.seq;
ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;

ALTER TABLE audit_events ALTER COLUMN global_seq SET NOT NULL;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_global_seq_positive CHECK (global_seq >= 1);
CREATE UNIQUE INDEX audit_events_global_seq ON audit_events (global_seq);

-- The number is assigned here, never by the writer, and one insert at a time: the transaction-scoped
-- lock is held until the inserting transaction ends, so the next writer sees this event committed
-- (or rolled back) before it takes max + 1. The committed events are therefore always exactly
-- 1…N with no gap, and a checkpoint of size N covers the first N events of a settled order.
-- A sequence object would not do: a rolled-back or conflicting insert leaves a gap forever.
CREATE FUNCTION audit_events_assign_global_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('zhishen.audit_events.global_seq'));
  SELECT coalesce(max(global_seq), 0) + 1 INTO NEW.global_seq FROM audit_events;
  RETURN NEW;
END;
$$;

CREATE TRIGGER audit_events_global_seq
  BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_assign_global_seq();

-- Signed checkpoints, as the store keeps them; each is also written to a write-once export kept
-- elsewhere. `body` is the exact text that was signed; the other columns are its parts.
-- `frontier` is the right edge of the tree (roots of its perfect subtrees, largest first), so the
-- next checkpoint hashes only the new events; `leaves` are the events this checkpoint added
-- since the previous one ({caseId, seq, leaf}), so an auditor holding the export can name an
-- event that changed after it was checkpointed.
CREATE TABLE audit_checkpoints (
  tree_size     bigint      PRIMARY KEY CHECK (tree_size >= 1),
  root_hash     text        NOT NULL CHECK (root_hash ~ '^[0-9a-f]{64}$'),
  signed_at     timestamptz NOT NULL,
  key_id        text        NOT NULL,
  body          text        NOT NULL,
  signature     text        NOT NULL,
  previous_size bigint      NOT NULL CHECK (previous_size >= 0 AND previous_size < tree_size),
  frontier      jsonb       NOT NULL,
  leaves        jsonb       NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);

-- One refusal for every append-only table, naming the table.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_checkpoints_append_only
  BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();

CREATE TRIGGER audit_checkpoints_no_truncate
  BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

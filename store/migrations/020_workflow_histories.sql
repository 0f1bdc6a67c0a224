-- Temporal workflow histories kept by the bureau, so that `audit replay` works after the cluster's
-- retention removed them (or its database is gone). The history is the protobuf binary of
-- temporal.api.history.v1.History, base64 in text (one encoding on PGlite and node-postgres alike);
-- sha256 is of those bytes, checked before every replay.
CREATE TABLE workflow_histories (
  workflow_id  text        NOT NULL,
  run_id       text        NOT NULL,
  case_id      text,
  -- false while the execution was still open when it was saved (archived from its own last step);
  -- a later save of the closed execution replaces it.
  complete     boolean     NOT NULL,
  event_count  integer     NOT NULL CHECK (event_count >= 0),
  history      text        NOT NULL,
  sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  saved_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, run_id)
);

CREATE INDEX workflow_histories_case ON workflow_histories (case_id);

-- Batches submitted from intake workbooks.
CREATE TABLE batches (
  batch_id        text        PRIMARY KEY,
  workbook_sha256 text        NOT NULL,
  file_name       text        NOT NULL,
  submitted_at    timestamptz NOT NULL,
  total_rows      integer     NOT NULL CHECK (total_rows >= 0),
  status          text        NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per case: where it stands now. The history lives in audit_events.
CREATE TABLE cases (
  case_id     text        PRIMARY KEY,
  type        text        NOT NULL,
  batch_id    text,
  workflow_id text        NOT NULL,
  run_id      text,
  status      text        NOT NULL CHECK (status IN ('running', 'review', 'closed', 'failed')),
  outcome     text,
  -- Money is a decimal string ("1234.50") end to end; numeric keeps it exact, the app reads text.
  amount      numeric(14, 2),
  reasons     jsonb       NOT NULL DEFAULT '[]'::jsonb,
  row_number  integer,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX cases_batch ON cases (batch_id, row_number);
CREATE INDEX cases_status ON cases (status);

-- Rows of an intake workbook that could not become cases, reported back in the result workbook.
CREATE TABLE intake_errors (
  id         bigserial PRIMARY KEY,
  batch_id   text      NOT NULL,
  row_number integer   NOT NULL,
  sheet      text      NOT NULL,
  case_id    text,
  field      text      NOT NULL,
  message    text      NOT NULL,
  CONSTRAINT intake_errors_once UNIQUE (batch_id, sheet, row_number, field, message)
);

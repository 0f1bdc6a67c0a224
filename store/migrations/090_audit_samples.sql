-- 抽检: an auditor's sample of automated approvals, drawn from a recorded seed over a recorded
-- candidate list (store/auditSamples.ts, audit/sampling.ts), and the verdict on each drawn case.
CREATE TABLE audit_samples (
  sample_id         bigserial   PRIMARY KEY,
  business          text        NOT NULL,
  -- The Beijing calendar month whose automated approvals were the candidates, YYYY-MM.
  month             text        NOT NULL CHECK (month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  -- Basis points: 500 = 5%.
  rate_bp           integer     NOT NULL CHECK (rate_bp BETWEEN 1 AND 10000),
  min_size          integer     NOT NULL CHECK (min_size >= 0),
  seed              text        NOT NULL,
  method            text        NOT NULL,
  candidate_count   integer     NOT NULL CHECK (candidate_count >= 0),
  candidates_digest text        NOT NULL,
  -- The drawn case IDs in the order drawn.
  case_ids          jsonb       NOT NULL,
  drawn_by          text        NOT NULL,
  drawn_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_sample_verdicts (
  sample_id  bigint      NOT NULL REFERENCES audit_samples (sample_id),
  case_id    text        NOT NULL,
  verdict    text        NOT NULL CHECK (verdict IN ('agree', 'disagree')),
  -- A disagreement names the rule concerned and says why.
  rule       text,
  note       text        NOT NULL DEFAULT '',
  decided_by text        NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sample_id, case_id),
  CHECK (verdict = 'agree' OR (rule IS NOT NULL AND note <> ''))
);

-- The searches of the auditors' pages: by time, by actor, by step.
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor_name ON audit_events ((actor ->> 'name'));
CREATE INDEX audit_events_step ON audit_events (step, case_id);

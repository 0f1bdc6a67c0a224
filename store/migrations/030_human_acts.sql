-- Human acts: each signed assertion is good for one act (its nonce is spent here), and a decision
-- that needs a second person waits as a proposal (待复核) until a supervisor approves it.
CREATE TABLE human_act_nonces (
  nonce    text        PRIMARY KEY,
  case_id  text        NOT NULL,
  action   text        NOT NULL,
  username text        NOT NULL,
  -- The activity execution that spent it: a retry of that same execution may see it again.
  spent_by text        NOT NULL,
  spent_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE cases
  ADD COLUMN proposed_by text,
  ADD COLUMN proposal    jsonb;

-- 'decided': a person's (or the rules') final decision is made but the core system does not have it
-- yet (待录入); 'returned': waiting for the claimant's documents (退回补正).
ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN ('running', 'review', 'decided', 'returned', 'closed', 'failed'));

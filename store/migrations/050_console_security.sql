-- The console's door. `session_epoch` is raised whenever a user's sessions must end (disabled, password
-- reset); every console process compares it on each request, so a session dies everywhere at once.
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;

-- Login attempts that did not (yet) succeed, one row each, for throttling per account, per address and
-- per pair. In the store so that every console process counts the same attempts and a restart forgets
-- none; rows older than the longest window are deleted as new ones arrive.
CREATE TABLE login_failures (
  id       bigserial   PRIMARY KEY,
  username text        NOT NULL,
  address  text        NOT NULL,
  at       timestamptz NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- A case's history is also archived while it waits for people (once in review, after each human
-- act), not only when it closes: after_step is the audit step the archived history reaches, so that
-- `audit replay` can say where the case stood. A later archive of the same run supersedes an earlier
-- partial one (longer histories win, see keepWorkflowHistory). NULL on histories archived before and
-- on the complete ones the post-close sweep saves.
ALTER TABLE workflow_histories ADD COLUMN after_step text;

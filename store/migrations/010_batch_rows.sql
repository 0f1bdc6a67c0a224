-- The valid rows of each submitted batch, in workbook order: the batch workflow pages through
-- them, and the result workbook joins them with the case register. A row resubmitted in a later
-- batch appears under both batches but is one case.
CREATE TABLE batch_rows (
  batch_id   text    NOT NULL,
  position   integer NOT NULL CHECK (position >= 0),
  case_id    text    NOT NULL,
  type       text    NOT NULL,
  sheet      text    NOT NULL,
  row_number integer NOT NULL,
  row        jsonb   NOT NULL,
  PRIMARY KEY (batch_id, position),
  CONSTRAINT batch_rows_case_once UNIQUE (batch_id, case_id)
);

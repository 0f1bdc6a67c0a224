-- Years of the bureau calendar imported with `calendar import` (the State Council's holidays and
-- make-up working days of a year). The calendar shipped in rules/data/calendar.json is the seed: a
-- year stored here replaces the shipped one, and a year in neither is unknown (never guessed).
-- Each import is also written to the `_admin` audit trail, with who imported it.
CREATE TABLE calendar_years (
  year         integer     PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999),
  holidays     jsonb       NOT NULL,
  working_days jsonb       NOT NULL,
  source       text,
  imported_by  text        NOT NULL,
  imported_at  timestamptz NOT NULL DEFAULT now()
);

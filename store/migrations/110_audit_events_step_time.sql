-- Reports and simulations read the trail by kind of step over a time range (a month's closings, the
-- decisions of a period): without this index each of them scans every event ever recorded.
CREATE INDEX audit_events_step_at ON audit_events (step, at);

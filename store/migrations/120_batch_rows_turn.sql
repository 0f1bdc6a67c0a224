-- The order a batch works through its rows (intake/processingOrder.ts) beside their workbook order
-- (position), which the result workbook keeps. Batches recorded before keep working in workbook order.
ALTER TABLE batch_rows ADD COLUMN turn integer;
UPDATE batch_rows SET turn = position;
ALTER TABLE batch_rows ALTER COLUMN turn SET NOT NULL;
ALTER TABLE batch_rows ADD CONSTRAINT batch_rows_turn_once UNIQUE (batch_id, turn);

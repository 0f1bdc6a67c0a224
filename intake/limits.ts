/**
 * What intake accepts, checked before a workbook is parsed: exceljs holds a whole workbook in
 * memory (about a kilobyte a cell), so a workbook past these is refused with a message rather
 * than allowed to exhaust the worker. A day's export of a city bureau is a few thousand rows;
 * larger batches are split into several workbooks.
 */

/** The .xlsx file itself. */
export const MAX_WORKBOOK_BYTES = 20 * 1024 * 1024;
/** Everything in the archive once inflated: XML, shared strings, pasted images. */
export const MAX_WORKBOOK_UNZIPPED_BYTES = 100 * 1024 * 1024;
/** Parts in the archive (a workbook has a few dozen). */
export const MAX_WORKBOOK_PARTS = 2_000;
/** Rows of one worksheet, header and title rows included. */
export const MAX_SHEET_ROWS = 20_000;

/** Limits on what the reader accepts: a receipt is one page, and nobody photographs it at 100 MP. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_PDF_PAGES = 4;
export const MAX_IMAGE_PIXELS = 50_000_000;

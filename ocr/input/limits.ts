/** Limits on what the reader accepts: a receipt is one page, and nobody photographs it at 100 MP. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_PDF_PAGES = 4;
export const MAX_IMAGE_PIXELS = 50_000_000;
/** A side of a PDF page in points (1/72 in): about 1 m; an A4 page is 595×842, an e-invoice smaller. */
export const MAX_PDF_PAGE_POINTS = 3000;
/** Height over width (or width over height) of an image: a long till receipt is about 1:6. */
export const MAX_IMAGE_ASPECT = 20;

/** What a receipt file over MAX_FILE_BYTES is told, wherever its size is found out. */
export function fileTooLarge(bytes: number): string {
  const megabytes = (n: number) => (n / 1024 / 1024).toFixed(1);
  return `file too large (${megabytes(bytes)} MB; at most ${megabytes(MAX_FILE_BYTES)} MB)`;
}

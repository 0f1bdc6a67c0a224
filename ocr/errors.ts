/** The one error a caller of the reader needs to tell apart: this file is not a readable receipt. */
export class ReceiptReadError extends Error {
  override readonly name = 'ReceiptReadError';

  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

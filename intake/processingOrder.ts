/**
 * The order a batch works through its rows. A workbook lists its businesses sheet by sheet, so in
 * workbook order a batch would run all its 趸缴 cases, then its 转移, then every 零星报销 case at
 * the end: the browser's bots idle while the receipts are read and the reader idles before. Taking
 * each business's rows evenly spread over the batch keeps both at work throughout; within a
 * business the workbook's order holds.
 */

/**
 * The rows in processing order: the k-th of a business's n rows goes to (k + ½) / n of the way
 * through the batch (compared exactly, in integers), earlier workbook rows first on a tie.
 */
export function inProcessingOrder<Row extends { type: string }>(rows: readonly Row[]): Row[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.type, (counts.get(row.type) ?? 0) + 1);
  const seen = new Map<string, number>();
  const placed = rows.map((row, position) => {
    const k = seen.get(row.type) ?? 0;
    seen.set(row.type, k + 1);
    // (2k + 1) / 2n: the middle of the row's share of its business.
    return { row, position, numerator: 2 * k + 1, denominator: 2 * counts.get(row.type)! };
  });
  placed.sort((a, b) => a.numerator * b.denominator - b.numerator * a.denominator || a.position - b.position);
  return placed.map((p) => p.row);
}

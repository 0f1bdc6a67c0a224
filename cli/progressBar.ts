import type { BatchProgress } from '../workflows/types';

/** Renders batch progress on stderr: a redrawn bar on a terminal, a line per change otherwise. */
export class ProgressBar {
  private last = '';
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(p: BatchProgress): void {
    const width = 30;
    const ratio = p.total === 0 ? 1 : p.done / p.total;
    const filled = Math.round(ratio * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const o = p.byOutcome;
    const text =
      `[${bar}] ${p.done}/${p.total}  通过 ${o.approve}  不予受理 ${o.reject}  转人工 ${o.review}` +
      (o.failed ? `  失败 ${o.failed}` : '') +
      (p.invalidRows ? `  数据错误行 ${p.invalidRows}` : '') +
      (p.alreadyProcessed ? `  已处理过 ${p.alreadyProcessed}` : '');
    if (text === this.last) return;
    this.last = text;
    if (this.stream.isTTY) this.stream.write(`\r${text}`);
    else this.stream.write(`${text}\n`);
  }

  /** A message of its own (a warning), with the bar drawn again under it on a terminal. */
  note(line: string): void {
    if (this.stream.isTTY && this.last) this.stream.write(`\r\x1b[K${line}\n${this.last}`);
    else this.stream.write(`${line}\n`);
  }

  finish(): void {
    if (this.stream.isTTY && this.last) this.stream.write('\n');
  }
}

const readyForQuery = 0x5a; // 'Z'

/**
 * Follows the framing of a backend response stream (type byte, int32 length, payload) across
 * chunks, and remembers whether the last message was ReadyForQuery and with which status:
 * 'I' idle, 'T' in a transaction, 'E' in a failed transaction.
 */
export class ResponseTail {
  #header: number[] = [];
  #payloadLeft = 0;
  #lastType = -1;
  #status: string | undefined;
  bytes = 0;

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    let i = 0;
    while (i < chunk.length) {
      if (this.#payloadLeft > 0) {
        if (this.#lastType === readyForQuery && this.#status === undefined) this.#status = String.fromCharCode(chunk[i]!);
        const take = Math.min(this.#payloadLeft, chunk.length - i);
        this.#payloadLeft -= take;
        i += take;
        continue;
      }
      this.#header.push(chunk[i]!);
      i += 1;
      if (this.#header.length === 5) {
        const [type, b1, b2, b3, b4] = this.#header as [number, number, number, number, number];
        this.#lastType = type;
        this.#status = undefined;
        this.#payloadLeft = ((b1 << 24) | (b2 << 16) | (b3 << 8) | b4) - 4;
        this.#header = [];
      }
    }
  }

  /** The status of a final ReadyForQuery, or undefined if the response did not end with one. */
  get readyForQueryStatus(): string | undefined {
    const complete = this.#header.length === 0 && this.#payloadLeft === 0;
    return complete && this.#lastType === readyForQuery ? this.#status : undefined;
  }
}

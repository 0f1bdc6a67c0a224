// The PP-OCR thread's entry: a worker thread starts without the parent's TypeScript loader (under
// vitest there is none to inherit), so it registers tsx itself, then runs the TypeScript entry.
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

// A name of its own (ONNX's threads, started from here, inherit it), so a thread listing tells the
// reader's CPU from the worker's. Linux only; elsewhere the thread keeps its name.
try {
  writeFileSync('/proc/thread-self/comm', 'ocr-ppocr');
} catch {
  // Not Linux: nothing to name.
}

register();
await import('./ppocrThread.ts');

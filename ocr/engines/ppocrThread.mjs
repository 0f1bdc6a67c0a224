// The PP-OCR thread's entry: a worker thread starts without the parent's TypeScript loader (under
// vitest there is none to inherit), so it registers tsx itself, then runs the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./ppocrThread.ts');

// Run as a child process by embedded.test.ts: if anything stays open after close(), this process
// never exits and the test times out.
import { appendEvent } from '../auditTrail';
import { serveEmbeddedStore } from '../embedded/serveEmbeddedStore';
import { openStore } from '../openStore';
import { sampleEvent } from './sampleEvent';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: serveOpenClose.ts DATA_DIR');
const server = await serveEmbeddedStore({ dataDir });
const store = await openStore({ dataDir });
await appendEvent(store, sampleEvent({ caseId: 'CHILD-1' }));
process.stdout.write(`${store.backend}\n`);
await store.close();
await server.close();

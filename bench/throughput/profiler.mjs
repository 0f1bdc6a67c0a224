// Preloaded by `npm run bench --profile DIR` into the worker and baseline processes (NODE_OPTIONS
// --import; node refuses --cpu-prof there): a V8 CPU profile of the main thread, written to
// DIR/<pid>.cpuprofile when the process runs out of work and exits.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 2000 });
  session.post('Profiler.start');
  let written = false;
  process.on('beforeExit', () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `${path.basename(process.argv[1] ?? 'node', '.ts')}-${process.pid}.cpuprofile`),
        JSON.stringify(result.profile),
      );
    });
  });
}

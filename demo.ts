import { restrictNewFilesToOwner } from './security/ownerOnly';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config/env';
import { workflowUiLink } from './config/temporalUi';
import { openAppStore } from './config/openAppStore';
import { runBatch } from './cli/batch';
import { seedLegacy } from './fixtures/legacy-system';
import { createLogger } from './logging/logger';
import { isListening } from './temporal/devServer';
import { verifyChain } from './store/verifyChain';
import { readResultReport } from './intake/report';
import { startStack, type RunningStack } from './stack';
import { caseWorkflowId } from './workflows/types';
import { queuesForBatch, unservedQueues } from './cli/workerWatch';
import { connectClient } from './cli/temporalClient';

const DEMO_DIR = path.join(import.meta.dirname, 'fixtures', 'demo');

/**
 * `npm run demo`: seeds the core-system stand-in with the demo cases, brings up the embedded stack
 * unless one is running, runs the demo workbook end to end and says where everything is.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  // The progress bar and the summary are the demo's terminal output; the file keeps every detail.
  const logger = createLogger('demo', { logDir: path.join(config.dataDir, 'logs'), level: config.logLevel, terminalLevel: 'warn' });

  const caseFiles = fs
    .readdirSync(path.join(DEMO_DIR, 'cases'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(DEMO_DIR, 'cases', f));
  const seeded = seedLegacy(config.dataDir, caseFiles);
  process.stderr.write(`core-system stand-in: ${seeded.seeded} demo records in ${path.relative(process.cwd(), seeded.file)}\n`);

  // A running `npm start` (or a configured cluster) does the work; otherwise this process brings the stack up.
  const running = config.temporal.address !== undefined || (await isListening(config.temporal.embeddedPort));
  let stack: RunningStack | null = null;
  if (!running || !(await workerIsPolling(config))) {
    process.stderr.write('starting the embedded stack (Temporal dev server, store, worker)…\n');
    stack = await startStack(config, logger);
  }
  try {
    const result = await runBatch(config, { workbook: path.join(DEMO_DIR, 'intake.xlsx'), wait: true });
    const report = result.report!;
    const rows = await readResultReport(report);
    const reviews = rows.filter((r) => r.outcome === 'review');
    const errors = rows.filter((r) => r.outcome === 'error');

    const store = await openAppStore(config);
    const verdict = await verifyChain(store, undefined).finally(() => store.close());

    const p = result.progress!;
    const lines = [
      '',
      `演示批次 ${result.batchId} 完成: ${p.total} 件案件，${p.invalidRows} 行数据错误`,
      `  通过 ${p.byOutcome.approve} · 不予受理 ${p.byOutcome.reject} · 转人工 ${p.byOutcome.review}${p.byOutcome.failed ? ` · 失败 ${p.byOutcome.failed}` : ''}${p.alreadyProcessed ? ` · 此前已处理 ${p.alreadyProcessed}` : ''}`,
      '',
      `结果报表 (result workbook):  ${path.relative(process.cwd(), report)}`,
      `批次 (Temporal UI):          ${result.url}`,
      `待人工复核 (exceptions to review): ${reviews.length}`,
      ...reviews.map((r) => `  ${r.caseId}  ${r.reasonsText}\n    ${workflowUiLink(config, caseWorkflowId(r.caseId!))}`),
      `数据错误行 (bad rows): ${errors.length}`,
      ...errors.map((r) => `  ${r.sheet} 第 ${r.rowNumber} 行: ${r.reasonsText}`),
      `审计链 (audit chain): ${verdict.ok ? `intact — ${verdict.events} events over ${verdict.cases} cases` : `BROKEN at ${verdict.caseId} #${verdict.seq}: ${verdict.problem}`}`,
      `日志 (logs): ${path.relative(process.cwd(), path.join(config.dataDir, 'logs', 'zhishen.log'))}`,
      '',
    ];
    process.stderr.write(lines.join('\n') + '\n');
    process.stdout.write(JSON.stringify({ batchId: result.batchId, report, progress: p, auditChain: verdict }) + '\n');
    return verdict.ok && p.byOutcome.failed === 0 ? 0 : 1;
  } finally {
    if (stack) await stack.stop();
  }
}

/** Whether live workers serve every queue the demo batch needs, i.e. a stack is really running, not only a server. */
async function workerIsPolling(config: ReturnType<typeof loadConfig>): Promise<boolean> {
  const { client, close } = await connectClient(config);
  try {
    return (await unservedQueues(client, config.temporal.namespace, queuesForBatch(true))).length === 0;
  } finally {
    await close();
  }
}

restrictNewFilesToOwner(); // before anything is written under the data directory
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

import { restrictNewFilesToOwner } from './security/ownerOnly';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config/env';
import { parseArgs, UsageError } from './cli/args';
import { auditCheckpoint, auditCheckpointExport, auditProve, auditShow, auditVerify } from './cli/audit';
import { storeMigrate } from './cli/storeMigrate';
import { runBatch } from './cli/batch';
import { runReviewCommand } from './cli/review';
import { auditReplay } from './cli/auditReplay';
import { auditExport } from './cli/auditExport';
import { runScheduleCommand } from './cli/schedule';
import { runUsersCommand } from './cli/users';
import { runCalendarCommand } from './cli/calendar';
import { openAppStore } from './config/openAppStore';
import { runDecide } from './cli/decide';
import { runOcr } from './cli/ocr';
import { seedLegacy } from './fixtures/legacy-system';
import { writeIntakeTemplate } from './intake/template';

const USAGE = `usage: npx tsx client.ts COMMAND
  decide FILE...                         decide case files by the rulebook (JSON lines)
  ocr FILE...                            read receipts (PNG, JPEG, PDF) into receipt fields with confidences (JSON lines)
  batch run WORKBOOK.xlsx [--wait] [--report OUT.xlsx] [--concurrency N] [--attachments DIR]
  template OUT.xlsx                      write an empty intake workbook with notes and validation
  legacy seed FILE...                    load case files' system-of-record facts into the core-system stand-in
  audit show CASE                        read a case's decision trail
  audit verify [CASE] [--checkpoint FILE|DIR] [--public-key KEY.pem]   check signed checkpoints, the global order and the hash chains
  audit checkpoint | audit checkpoint export [--out DIR]   sign a checkpoint now; append all to a write-once directory
  audit prove CASE#SEQ|N [--with-id-numbers] | audit prove --consistency OLD [NEW]   proofs for audit/verifyProof.ts
  store migrate                          apply migrations as ZHISHEN_DATABASE_OWNER_URL and grant DATABASE_URL's role its rights
  audit replay CASE [--archive] [--today YYYY-MM-DD] [--params DIR]   replay the stored history and decisions; what today's parameters decide
                                       (--params: a copy of rules/ with params/*.json and data/calendar.json instead of the shipped files)
  audit export CASE --out FILE.pdf|.xlsx
  schedule create|list|describe|pause|unpause|trigger|backfill|delete ...   recurring batch runs (schedule --help)
  review list [--type T] [--rule R] [--batch B] [--sla on-time|due-soon|overdue]
  review show CASE | review decide CASE --approve|--reject|--return --comment TEXT --as USER [--amount X --amount-reason R]
  users add USERNAME --role admin|clerk|supervisor|manager|auditor --name DISPLAYNAME   (password: ZHISHEN_NEW_PASSWORD or prompt)
  users list | users disable USERNAME | users enable USERNAME
  users reset-password USERNAME   (password: ZHISHEN_NEW_PASSWORD or prompt, never an argument)
  calendar import FILE.json|FILE.csv [--replace] --as USER   a year's holidays and make-up working days (admin or manager)
  calendar show YEAR --as USER           the holidays and make-up working days of a year`;

const out = (line: string) => process.stdout.write(line + '\n');

/** Runs one CLI command and returns its exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'decide':
      if (argv.length < 2) throw new UsageError('decide needs at least one case file');
      return runDecide(argv.slice(1), out);
    case 'template': {
      if (!sub) throw new UsageError('template needs an output path, e.g. template intake.xlsx');
      await writeIntakeTemplate(path.resolve(sub));
      out(JSON.stringify({ template: path.resolve(sub) }));
      return 0;
    }
    case 'legacy': {
      if (sub !== 'seed' || rest.length === 0) throw new UsageError('legacy seed FILE...');
      out(JSON.stringify(seedLegacy(loadConfig().dataDir, rest)));
      return 0;
    }
    case 'batch': {
      if (sub !== 'run') throw new UsageError('batch run WORKBOOK.xlsx [--wait] [--report OUT.xlsx]');
      const args = parseArgs(rest, ['report', 'attachments', 'concurrency']);
      const workbook = args.positionals[0];
      if (!workbook) throw new UsageError('batch run needs a workbook');
      const concurrency = args.options.has('concurrency') ? Number(args.options.get('concurrency')) : undefined;
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) throw new UsageError('--concurrency takes a whole number ≥ 1');
      const result = await runBatch(loadConfig(), {
        workbook,
        wait: args.flags.has('wait'),
        report: args.options.get('report'),
        attachments: args.options.get('attachments'),
        concurrency,
      });
      out(JSON.stringify(result));
      return result.progress && result.progress.byOutcome.failed > 0 ? 1 : 0;
    }
    case 'audit': {
      if (sub === 'show' && rest[0]) return auditShow(loadConfig(), rest[0], out);
      if (sub === 'verify') {
        const a = parseArgs(rest, ['checkpoint', 'public-key']);
        return auditVerify(loadConfig(), a.positionals[0], out, { checkpoint: a.options.get('checkpoint'), publicKey: a.options.get('public-key') });
      }
      if (sub === 'checkpoint') {
        const a = parseArgs(rest, ['out']);
        if (a.positionals[0] === 'export') return auditCheckpointExport(loadConfig(), a.options.get('out'), out);
        if (a.positionals.length === 0) return auditCheckpoint(loadConfig(), out);
        throw new UsageError('audit checkpoint | audit checkpoint export [--out DIR]');
      }
      if (sub === 'prove') {
        const a = parseArgs(rest, ['consistency']);
        const first = a.options.get('consistency');
        if (first !== undefined) {
          const sizes = [first, ...a.positionals].map(Number);
          if (sizes.length > 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1)) throw new UsageError('audit prove --consistency OLD [NEW] takes checkpoint sizes (whole numbers ≥ 1)');
          return auditProve(loadConfig(), { consistency: { first: sizes[0]!, second: sizes[1] } }, out);
        }
        if (a.positionals.length !== 1) throw new UsageError('audit prove CASE#SEQ|N [--with-id-numbers]');
        return auditProve(loadConfig(), { event: a.positionals[0], withIdNumbers: a.flags.has('with-id-numbers') }, out);
      }
      if (sub === 'replay' && rest[0]) {
        const a = parseArgs(rest, ['today', 'params']);
        return auditReplay(loadConfig(), a.positionals[0]!, { archive: a.flags.has('archive'), today: a.options.get('today'), params: a.options.get('params') }, out);
      }
      if (sub === 'export' && rest[0]) {
        const a = parseArgs(rest, ['out']);
        const file = a.options.get('out');
        if (!file) throw new UsageError('audit export CASE --out FILE.pdf|.xlsx');
        return auditExport(loadConfig(), a.positionals[0]!, file, out);
      }
      throw new UsageError('audit show CASE | audit verify [CASE] | audit checkpoint [export] | audit prove EVENT | audit replay CASE [--archive] [--today YYYY-MM-DD] [--params DIR] | audit export CASE --out FILE.pdf|.xlsx');
    }
    case 'store': {
      if (sub !== 'migrate' || rest.length > 0) throw new UsageError('store migrate');
      return storeMigrate(process.env, out);
    }
    case 'review':
      return runReviewCommand(loadConfig(), argv.slice(1), out);
    case 'users': {
      const store = await openAppStore(loadConfig());
      try {
        return await runUsersCommand(argv.slice(1), store);
      } finally {
        await store.close();
      }
    }
    case 'calendar': {
      const store = await openAppStore(loadConfig());
      try {
        return await runCalendarCommand(argv.slice(1), store);
      } finally {
        await store.close();
      }
    }
    case 'ocr':
      if (argv.length < 2) throw new UsageError('ocr needs at least one receipt file (PNG, JPEG, PDF)');
      return runOcr(argv.slice(1), out);
    case 'schedule':
      return runScheduleCommand(loadConfig(), argv.slice(1), out);
    default:
      throw new UsageError(command ? `unknown command: ${command}` : 'no command given');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  restrictNewFilesToOwner(); // before anything is written under the data directory
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n${USAGE}\n`);
        process.exit(64);
      }
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

import { restrictNewFilesToOwner } from './security/ownerOnly';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config/env';
import { HelpRequested, parseArgs, UsageError, type CommandSpec } from './cli/args';
import { auditCheckpoint, auditCheckpointExport, auditProve, auditShow, auditVerify } from './cli/audit';
import { storeMigrate } from './cli/storeMigrate';
import { runBatch } from './cli/batch';
import { runReviewCommand } from './cli/review';
import { auditReplay } from './cli/auditReplay';
import { auditExport } from './cli/auditExport';
import { runScheduleCommand } from './cli/schedule';
import { runUsersCommand } from './cli/users';
import { runCalendarCommand } from './cli/calendar';
import { runPolicyCommand } from './cli/policy';
import { runPolicySimulate } from './cli/policySimulate';
import { parseReportArgs, runReportCommand } from './cli/report';
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
  review list [--type T] [--rule R] [--batch B] [--sla on-time|due-soon|overdue] [--proposed]
  review show CASE | review decide CASE --approve|--reject|--return --comment TEXT --as USER [--amount X --amount-reason R]
  review second-look CASE --approve|--send-back --comment TEXT --as USER
  review supply CASE --files FILE... [--note TEXT] [--replaces] --as USER
  users add USERNAME --role admin|clerk|supervisor|manager|auditor --name DISPLAYNAME   (password: ZHISHEN_NEW_PASSWORD or prompt)
  users list | users disable USERNAME | users enable USERNAME
  users reset-password USERNAME   (password: ZHISHEN_NEW_PASSWORD or prompt, never an argument)
  calendar import FILE.json|FILE.csv [--replace] --as USER   a year's holidays and make-up working days (admin or manager)
  calendar show YEAR --as USER           the holidays and make-up working days of a year
  policy propose FILE.json --as USER     propose a parameter version (manager); policy approve ID --as USER publishes it (another manager)
  policy list [--business B] [--json]    the parameter versions: shipped, proposed, published
  policy simulate --draft DIR|FILE [--from DATE --to DATE] [--type T] [--out FILE.xlsx] --as USER   what a draft parameter change would do to decided cases
  report monthly --month YYYY-MM [--out DIR] --as USER   the monthly management report (summary; xlsx and PDF in DIR)`;

const out = (line: string) => process.stdout.write(line + '\n');

/** A command's usage, one form a line, as it is typed. */
const usageLines = (usage: string): string =>
  usage
    .split('\n')
    .map((form, i) => `${i === 0 ? 'usage:' : '      '} npx tsx client.ts ${form.trim()}`)
    .join('\n');

/** Each command's arguments, and the usage line shown with a mistake in them. */
const COMMANDS = {
  decide: { usage: 'decide FILE...' },
  ocr: { usage: 'ocr FILE...' },
  template: { usage: 'template OUT.xlsx' },
  legacySeed: { usage: 'legacy seed FILE...' },
  batchRun: {
    usage: 'batch run WORKBOOK.xlsx [--wait] [--report OUT.xlsx] [--concurrency N] [--attachments DIR]',
    options: ['report', 'attachments', 'concurrency'],
    flags: ['wait'],
  },
  auditShow: { usage: 'audit show CASE' },
  auditVerify: { usage: 'audit verify [CASE] [--checkpoint FILE|DIR] [--public-key KEY.pem]', options: ['checkpoint', 'public-key'] },
  auditCheckpoint: { usage: 'audit checkpoint\naudit checkpoint export [--out DIR]', options: ['out'] },
  auditProve: {
    usage: 'audit prove CASE#SEQ|N [--with-id-numbers]\naudit prove --consistency OLD [NEW]',
    options: ['consistency'],
    flags: ['with-id-numbers'],
  },
  auditReplay: {
    usage: 'audit replay CASE [--archive] [--today YYYY-MM-DD] [--params DIR]',
    options: ['today', 'params'],
    flags: ['archive'],
  },
  auditExport: { usage: 'audit export CASE --out FILE.pdf|.xlsx', options: ['out'] },
  storeMigrate: { usage: 'store migrate' },
} as const satisfies Record<string, CommandSpec>;

const AUDIT_USAGE = [
  COMMANDS.auditShow,
  COMMANDS.auditVerify,
  COMMANDS.auditCheckpoint,
  COMMANDS.auditProve,
  COMMANDS.auditReplay,
  COMMANDS.auditExport,
]
  .map((c) => c.usage)
  .join('\n');

/** Runs one CLI command and returns its exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'decide': {
      const files = parseArgs(argv.slice(1), COMMANDS.decide).positionals;
      if (files.length === 0) throw new UsageError('decide needs at least one case file', COMMANDS.decide.usage);
      return runDecide(files, out);
    }
    case 'template': {
      const [file, ...extra] = parseArgs(argv.slice(1), COMMANDS.template).positionals;
      if (!file || extra.length > 0)
        throw new UsageError('template needs one output path, e.g. template intake.xlsx', COMMANDS.template.usage);
      await writeIntakeTemplate(path.resolve(file));
      out(JSON.stringify({ template: path.resolve(file) }));
      return 0;
    }
    case 'legacy': {
      const files = parseArgs(rest, COMMANDS.legacySeed).positionals;
      if (sub !== 'seed' || files.length === 0) throw new UsageError('legacy seed needs at least one case file', COMMANDS.legacySeed.usage);
      out(JSON.stringify(seedLegacy(loadConfig().dataDir, files)));
      return 0;
    }
    case 'batch': {
      const spec = COMMANDS.batchRun;
      if (sub !== 'run') throw new UsageError(sub ? `unknown batch command: ${sub}` : 'batch needs a command', spec.usage);
      const args = parseArgs(rest, spec);
      const [workbook, ...extra] = args.positionals;
      if (!workbook || extra.length > 0) throw new UsageError('batch run needs one workbook', spec.usage);
      const concurrency = args.options.has('concurrency') ? Number(args.options.get('concurrency')) : undefined;
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0))
        throw new UsageError('--concurrency takes a whole number ≥ 1', spec.usage);
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
    case 'audit':
      return runAuditCommand(sub, rest);
    case 'store': {
      const args = parseArgs(rest, COMMANDS.storeMigrate);
      if (sub !== 'migrate' || args.positionals.length > 0)
        throw new UsageError(
          sub === 'migrate' ? 'store migrate takes no arguments' : `unknown store command: ${sub ?? ''}`.trim(),
          COMMANDS.storeMigrate.usage,
        );
      return storeMigrate(loadConfig(), out);
    }
    case 'review':
      return runReviewCommand(loadConfig(), argv.slice(1), out);
    case 'users': {
      const config = loadConfig();
      const store = await openAppStore(config);
      try {
        return await runUsersCommand(argv.slice(1), store, config.cli.newPassword);
      } finally {
        await store.close();
      }
    }
    case 'calendar': {
      const config = loadConfig();
      const store = await openAppStore(config);
      try {
        return await runCalendarCommand(argv.slice(1), store, config.cli);
      } finally {
        await store.close();
      }
    }
    case 'policy': {
      const config = loadConfig();
      const store = await openAppStore(config);
      try {
        return argv[1] === 'simulate'
          ? await runPolicySimulate(argv.slice(2), store, config.cli)
          : await runPolicyCommand(argv.slice(1), store, config.cli);
      } finally {
        await store.close();
      }
    }
    case 'report': {
      const request = parseReportArgs(argv.slice(1));
      const config = loadConfig();
      const store = await openAppStore(config);
      try {
        return await runReportCommand(request, store, config.cli);
      } finally {
        await store.close();
      }
    }
    case 'ocr': {
      const files = parseArgs(argv.slice(1), COMMANDS.ocr).positionals;
      if (files.length === 0) throw new UsageError('ocr needs at least one receipt file (PNG, JPEG, PDF)', COMMANDS.ocr.usage);
      return runOcr(files, out);
    }
    case 'schedule':
      return runScheduleCommand(loadConfig(), argv.slice(1), out);
    case '--help':
    case '-h':
    case 'help':
      throw new HelpRequested(USAGE);
    default:
      throw new UsageError(command ? `unknown command: ${command}` : 'no command given');
  }
}

/** `audit show|verify|checkpoint|prove|replay|export`. */
async function runAuditCommand(sub: string | undefined, rest: string[]): Promise<number> {
  switch (sub) {
    case 'show': {
      const [caseId, ...extra] = parseArgs(rest, COMMANDS.auditShow).positionals;
      if (!caseId || extra.length > 0) throw new UsageError('audit show needs one case', COMMANDS.auditShow.usage);
      return auditShow(loadConfig(), caseId, out);
    }
    case 'verify': {
      const a = parseArgs(rest, COMMANDS.auditVerify);
      if (a.positionals.length > 1) throw new UsageError('audit verify checks one case or all', COMMANDS.auditVerify.usage);
      return auditVerify(loadConfig(), a.positionals[0], out, {
        checkpoint: a.options.get('checkpoint'),
        publicKey: a.options.get('public-key'),
      });
    }
    case 'checkpoint': {
      const a = parseArgs(rest, COMMANDS.auditCheckpoint);
      if (a.positionals.length === 1 && a.positionals[0] === 'export')
        return auditCheckpointExport(loadConfig(), a.options.get('out'), out);
      if (a.positionals.length === 0 && !a.options.has('out')) return auditCheckpoint(loadConfig(), out);
      throw new UsageError('audit checkpoint takes nothing, or export [--out DIR]', COMMANDS.auditCheckpoint.usage);
    }
    case 'prove': {
      const spec = COMMANDS.auditProve;
      const a = parseArgs(rest, spec);
      const first = a.options.get('consistency');
      if (first !== undefined) {
        const sizes = [first, ...a.positionals].map(Number);
        if (sizes.length > 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1))
          throw new UsageError('audit prove --consistency OLD [NEW] takes checkpoint sizes (whole numbers ≥ 1)', spec.usage);
        return auditProve(loadConfig(), { consistency: { first: sizes[0]!, second: sizes[1] } }, out);
      }
      if (a.positionals.length !== 1) throw new UsageError('audit prove needs one event', spec.usage);
      return auditProve(loadConfig(), { event: a.positionals[0], withIdNumbers: a.flags.has('with-id-numbers') }, out);
    }
    case 'replay': {
      const a = parseArgs(rest, COMMANDS.auditReplay);
      const [caseId, ...extra] = a.positionals;
      if (!caseId || extra.length > 0) throw new UsageError('audit replay needs one case', COMMANDS.auditReplay.usage);
      return auditReplay(
        loadConfig(),
        caseId,
        { archive: a.flags.has('archive'), today: a.options.get('today'), params: a.options.get('params') },
        out,
      );
    }
    case 'export': {
      const a = parseArgs(rest, COMMANDS.auditExport);
      const [caseId, ...extra] = a.positionals;
      const file = a.options.get('out');
      if (!caseId || extra.length > 0 || !file)
        throw new UsageError('audit export needs one case and --out FILE.pdf|.xlsx', COMMANDS.auditExport.usage);
      return auditExport(loadConfig(), caseId, file, out);
    }
    default:
      throw new UsageError(sub ? `unknown audit command: ${sub}` : 'audit needs a command', AUDIT_USAGE);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  restrictNewFilesToOwner(); // before anything is written under the data directory
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof HelpRequested) {
        process.stdout.write(`${err.usage === USAGE ? USAGE : usageLines(err.usage)}\n`);
        process.exit(0);
      }
      if (err instanceof UsageError) {
        // The command's own usage line when it has one: the whole list would bury the mistake.
        process.stderr.write(`error: ${err.message}\n${err.usage ? usageLines(err.usage) : USAGE}\n`);
        process.exit(2);
      }
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

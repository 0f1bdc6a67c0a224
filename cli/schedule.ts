import type { AppConfig } from '../config/env';
import {
  OVERLAP_POLICIES,
  backfillBatchSchedule,
  createBatchSchedule,
  deleteBatchSchedule,
  describeBatchSchedule,
  listBatchSchedules,
  pauseBatchSchedule,
  triggerBatchSchedule,
  unpauseBatchSchedule,
  type Overlap,
} from '../schedules/manage';
import { HelpRequested, parseArgs, UsageError, type CommandSpec } from './args';
import { connectClient } from './temporalClient';
import { beijingIso } from '../time/beijing';

/** Each schedule command's arguments and usage line. */
const SCHEDULE_COMMANDS = {
  create: {
    usage: `schedule create ID --folder DIR [--at HH:MM | --cron EXPR] [--overlap ${OVERLAP_POLICIES.join('|')}] [--run-on-holidays] [--concurrency N] [--note TEXT] [--paused]`,
    // --today: the bureau date the runs check instead of their scheduled one (tests).
    options: ['folder', 'at', 'cron', 'overlap', 'concurrency', 'note', 'today'],
    flags: ['run-on-holidays', 'paused'],
  },
  list: { usage: 'schedule list' },
  describe: { usage: 'schedule describe ID' },
  pause: { usage: 'schedule pause ID --note TEXT', options: ['note'] },
  unpause: { usage: 'schedule unpause ID [--note TEXT]', options: ['note'] },
  trigger: { usage: 'schedule trigger ID [--overlap P]', options: ['overlap'] },
  backfill: { usage: 'schedule backfill ID --from ISO --to ISO [--overlap P]', options: ['from', 'to', 'overlap'] },
  delete: { usage: 'schedule delete ID' },
} as const satisfies Record<string, CommandSpec>;
const SCHEDULE_USAGE = Object.values(SCHEDULE_COMMANDS)
  .map((c) => c.usage)
  .join('\n');

function overlapArg(value: string | undefined): Overlap | undefined {
  if (value === undefined) return undefined;
  if (!(OVERLAP_POLICIES as readonly string[]).includes(value))
    throw new UsageError(`--overlap must be one of ${OVERLAP_POLICIES.join(', ')}`);
  return value as Overlap;
}

function dateArg(name: string, value: string | undefined): Date {
  const date = value ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} needs a date-time, e.g. 2026-10-01T00:00:00+08:00`);
  return date;
}

/**
 * `schedule create|list|describe|pause|unpause|trigger|backfill|delete …`: recurring batch runs.
 * Prints JSON (one schedule per line for list); status 0, 1 for an unknown schedule, 2 for usage.
 */
export async function runScheduleCommand(config: AppConfig, argv: readonly string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') throw new HelpRequested(SCHEDULE_USAGE);
  if (!sub || !Object.hasOwn(SCHEDULE_COMMANDS, sub))
    throw new UsageError(sub ? `unknown schedule command: ${sub}` : 'schedule needs a command', SCHEDULE_USAGE);
  const spec: CommandSpec = SCHEDULE_COMMANDS[sub as keyof typeof SCHEDULE_COMMANDS];
  const args = parseArgs(rest, spec);
  const id = args.positionals[0];
  if (args.positionals.length > (sub === 'list' ? 0 : 1))
    throw new UsageError(`schedule ${sub} takes ${sub === 'list' ? 'no arguments' : 'one schedule ID'}`, spec.usage);
  const needId = (): string => {
    if (!id) throw new UsageError(`schedule ${sub} needs a schedule ID`, spec.usage);
    return id;
  };
  const temporal = await connectClient(config);
  const { client } = temporal;
  try {
    switch (sub) {
      case 'create': {
        const folder = args.options.get('folder');
        if (!folder) throw new UsageError('schedule create needs --folder DIR (the intake folder)', spec.usage);
        const concurrency = args.options.has('concurrency') ? Number(args.options.get('concurrency')) : undefined;
        const view = await createBatchSchedule(client, {
          scheduleId: needId(),
          intakeFolder: folder,
          ...(args.options.has('at') ? { at: args.options.get('at') } : {}),
          ...(args.options.has('cron') ? { cron: args.options.get('cron') } : {}),
          ...(args.options.has('today') ? { today: args.options.get('today') } : {}),
          overlap: overlapArg(args.options.get('overlap')) ?? 'skip',
          runOnHolidays: args.flags.has('run-on-holidays'),
          paused: args.flags.has('paused'),
          ...(concurrency !== undefined ? { concurrency } : {}),
          retry: config.retry,
          ...(args.options.has('note') ? { note: args.options.get('note') } : {}),
        });
        out(JSON.stringify(view));
        return 0;
      }
      case 'list':
        for (const view of await listBatchSchedules(client)) out(JSON.stringify(view));
        return 0;
      case 'describe':
        out(JSON.stringify(await describeBatchSchedule(client, needId())));
        return 0;
      case 'pause': {
        const note = args.options.get('note');
        if (!note) throw new UsageError('schedule pause needs --note TEXT saying why', spec.usage);
        out(JSON.stringify(await pauseBatchSchedule(client, needId(), note)));
        return 0;
      }
      case 'unpause':
        out(JSON.stringify(await unpauseBatchSchedule(client, needId(), args.options.get('note'))));
        return 0;
      case 'trigger':
        await triggerBatchSchedule(client, needId(), overlapArg(args.options.get('overlap')));
        out(JSON.stringify({ scheduleId: id, triggered: true }));
        return 0;
      case 'backfill': {
        const from = dateArg('from', args.options.get('from'));
        const to = dateArg('to', args.options.get('to'));
        await backfillBatchSchedule(client, needId(), from, to, overlapArg(args.options.get('overlap')));
        out(JSON.stringify({ scheduleId: id, backfill: { from: beijingIso(from), to: beijingIso(to) } }));
        return 0;
      }
      default:
        await deleteBatchSchedule(client, needId());
        out(JSON.stringify({ scheduleId: id, deleted: true }));
        return 0;
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'ScheduleNotFoundError') {
      process.stderr.write(`no schedule ${id}\n`);
      return 1;
    }
    throw err;
  } finally {
    await temporal.close();
  }
}

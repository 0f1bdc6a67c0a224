import { parseArgs as parseStrictly } from 'node:util';

/** A command's arguments: its positionals, the flags given and the options with their values. */
export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  options: Map<string, string>;
}

/** What a command accepts: nothing else is let through. */
export interface CommandSpec {
  /** The command's usage line, shown with any mistake in its arguments. */
  usage: string;
  /** Options that take a value (`--report OUT.xlsx` or `--report=OUT.xlsx`). */
  options?: readonly string[];
  /** Options that take none (`--wait`). */
  flags?: readonly string[];
}

/**
 * Thrown for a usage mistake; the CLI prints the message, then the command's usage line (or the whole
 * usage when there is none), and exits with status 2.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** `--help` or `-h` on a command: its usage goes to stdout and the CLI exits with status 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super(usage);
  }
}

/** The mistake in the CLI's words; node's messages also advise `--`, which does not apply here. */
function problemOf(err: unknown): string {
  const { message } = err as Error;
  const patterns: [RegExp, (name: string) => string][] = [
    [/^Unknown option '([^']+)'/, (name) => `unknown option ${name}`],
    [/^Option '(--[\w-]+)(?: <value>)?' argument missing/, (name) => `${name} needs a value`],
    [/^Option '(--[\w-]+)' does not take an argument/, (name) => `${name} takes no value`],
    [/^Option '(--[\w-]+)' argument is ambiguous/, (name) => `${name} needs a value; one that starts with "-" is written ${name}=-…`],
  ];
  for (const [pattern, say] of patterns) {
    const m = pattern.exec(message);
    if (m) return say(m[1]!);
  }
  return message.split('\n')[0]!;
}

/**
 * Parses a command's arguments strictly (node:util parseArgs): an option the command does not know
 * (`--wiat`), a value missing or given to a flag is a UsageError naming it, never silently ignored.
 */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(spec.usage);
  const options = Object.fromEntries([
    ...(spec.options ?? []).map((name) => [name, { type: 'string' as const }]),
    ...(spec.flags ?? []).map((name) => [name, { type: 'boolean' as const }]),
  ]);
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseStrictly({ args: [...argv], options, strict: true, allowPositionals: true }));
  } catch (err) {
    throw new UsageError(problemOf(err), spec.usage);
  }
  const parsed: ParsedArgs = { positionals, flags: new Set(), options: new Map() };
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string') parsed.options.set(name, value);
    else if (value === true) parsed.flags.add(name);
  }
  return parsed;
}

/** A small argument parser: positionals and `--flag` / `--option value` pairs, nothing clever. */
export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  options: Map<string, string>;
}

/** Thrown for a usage mistake; the CLI prints its message and exits with status 64 (EX_USAGE). */
export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], valueOptions: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), options: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (valueOptions.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      parsed.options.set(name, value);
    } else {
      parsed.flags.add(name);
    }
  }
  return parsed;
}

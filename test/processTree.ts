import fs from 'node:fs';

/** A process as /proc shows it: enough to tell it from a later one that reuses its pid. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** Clock ticks since boot when it started. */
  startTime: string;
  command: string;
}

function readEntry(pid: number): ProcessEntry | null {
  let stat: string;
  let command: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
  // The name in parentheses may hold spaces and parentheses: the fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X') return null; // exited, not yet reaped
  return { pid, ppid: Number(fields[1]), startTime: fields[19]!, command };
}

/** Every process on the machine (Linux /proc). */
function listProcesses(): ProcessEntry[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readEntry(Number(name)))
    .filter((p): p is ProcessEntry => p !== null);
}

/** The process and all its descendants, whatever process group they put themselves in. */
export function processTree(rootPid: number): ProcessEntry[] {
  const all = listProcesses();
  const tree: ProcessEntry[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    const entry = all.find((p) => p.pid === pid);
    if (entry) tree.push(entry);
    for (const child of all.filter((p) => p.ppid === pid)) pending.push(child.pid);
  }
  return tree;
}

/** Whether this very process (same pid, same start) is still running. */
export function stillRunning(entry: ProcessEntry): boolean {
  const now = readEntry(entry.pid);
  return now !== null && now.startTime === entry.startTime;
}

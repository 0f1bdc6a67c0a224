/**
 * CPU time and memory of process trees, from /proc (Linux): where the machine's two cores went
 * during a run, and how much memory the worker held at its peak.
 */
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
const PAGE_BYTES = 4096;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in seconds. */
  cpuSeconds: number;
  rssBytes: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5).
  return {
    pid,
    ppid: Number(fields[1]),
    comm,
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    rssBytes: Number(fields[21]) * PAGE_BYTES,
  };
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** The root and all its descendants among `stats`. */
function treeOf(root: number, stats: ProcStat[]): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const out: ProcStat[] = [];
  const visit = (pid: number) => {
    const self = stats.find((s) => s.pid === pid);
    if (self) out.push(self);
    for (const child of children.get(pid) ?? []) visit(child.pid);
  };
  visit(root);
  return out;
}

/** A process's own peak resident set (VmHWM) and current one (VmRSS), in MiB; null when gone. */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return null;
  }
}

const processTypes = new Map<string, string>();

/**
 * What a Chromium process is, from its command line: `browser` (no `--type=`), `renderer`, `zygote`,
 * `gpu-process`, `utility:<service>` (network, storage…) or `launcher` (a wrapper script); null once it has gone. Cached by pid and
 * start time, so a sampler can ask at every sample.
 */
function chromiumProcessType(pid: number): string | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Field 22 (starttime) tells a reused pid apart.
  const key = `${pid}:${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
  const known = processTypes.get(key);
  if (known) return known;
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
  // Chromium rewrites its process title, which may join the arguments with spaces instead of NULs.
  const flag = (name: string) => new RegExp(`(?:^|[\\0 ])--${name}=([^\\0 ]+)`).exec(cmdline)?.[1];
  const type = flag('type');
  // Debian's /usr/bin/chromium* are shell scripts that start the real binary.
  const kind = /^\/bin\/(ba|da)?sh[\0 ]/.test(cmdline)
    ? 'launcher'
    : !type
      ? 'browser'
      : type === 'utility'
        ? `utility:${(flag('utility-sub-type') ?? '?').replace(/\.mojom\..*$/, '')}`
        : type;
  processTypes.set(key, kind);
  return kind;
}

/**
 * CPU seconds so far of each Chromium process under `root` (every descendant not named node), with
 * its type (chromiumProcessType): one read of /proc, for measuring a stretch of work by differences.
 */
export function chromiumTreeCpu(root: number): Map<number, { type: string; cpu: number }> {
  const out = new Map<number, { type: string; cpu: number }>();
  for (const s of treeOf(root, allStats())) {
    if (s.comm.startsWith('node')) continue;
    const type = chromiumProcessType(s.pid);
    if (type) out.set(s.pid, { type, cpu: s.cpuSeconds });
  }
  return out;
}

/** Busy and total CPU seconds of the whole machine since boot (all cores), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy: busy / TICKS_PER_SECOND, total: (busy + idle! + iowait!) / TICKS_PER_SECOND };
}

interface GroupUsage {
  /** CPU seconds the group's processes used during the sampling (processes that ended early count up to their last sample). */
  cpuSeconds: number;
  /** Highest sum of the group's resident sets seen in one sample (shared pages counted once per process). */
  peakRssMb: number;
  /** Processes seen in the group. */
  processes: number;
  /** CPU seconds by command name (node, chromium, temporal…). */
  byCommand: Record<string, number>;
  /**
   * CPU seconds of the group's Chromium processes (every process not named node) by what each is
   * (chromiumProcessType): the browser process, renderers, the zygote, GPU and utility processes.
   */
  byChromiumType: Record<string, number>;
}

export interface Usage {
  seconds: number;
  groups: Record<string, GroupUsage>;
  /** The whole machine over the same time: busy CPU seconds and the seconds the cores could have given. */
  machine: { busySeconds: number; capacitySeconds: number };
  /** Sum of each group's RSS over time (for the chart), one point per sample. */
  timeline: { t: number; rssMb: Record<string, number> }[];
}

/**
 * Samples process trees every `intervalMs`: a group is a set of root PIDs, with or without their
 * descendants (e.g. the worker and the Chromium it launched). CPU per process is its utime+stime at the last
 * sample minus at its first (zero for a process born during the run).
 */
export class ProcSampler {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, { group: string; comm: string; type: string | null; cpu: number }>();
  private readonly peak = new Map<string, number>();
  private readonly seen = new Map<string, Set<number>>();
  private readonly timeline: Usage['timeline'] = [];
  private readonly started = performance.now();
  private readonly machineStart = machineCpu();
  private timer: NodeJS.Timeout;
  private initial = true;

  constructor(
    /** Per group, its root PIDs and whether their descendants belong to it; a PID counts for the first group that claims it. */
    private readonly groups: Record<string, { pids: () => number[]; tree: boolean }>,
    intervalMs = 1000,
  ) {
    this.sample();
    this.initial = false;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const stats = allStats();
    const point: Record<string, number> = {};
    for (const [group, { pids, tree }] of Object.entries(this.groups)) {
      let rss = 0;
      const seen = this.seen.get(group) ?? new Set<number>();
      this.seen.set(group, seen);
      for (const root of pids()) {
        const members = tree ? treeOf(root, stats) : stats.filter((s) => s.pid === root);
        for (const s of members) {
          // A pid counts for the first group that claims it (the worker's Chromium is not the bench's).
          const owner = this.last.get(s.pid)?.group;
          if (owner && owner !== group) continue;
          if (!this.first.has(s.pid)) this.first.set(s.pid, this.initial ? s.cpuSeconds : 0);
          const type = this.last.get(s.pid)?.type ?? (s.comm.startsWith('node') ? null : chromiumProcessType(s.pid));
          this.last.set(s.pid, { group, comm: s.comm, type, cpu: s.cpuSeconds });
          seen.add(s.pid);
          rss += s.rssBytes;
        }
      }
      point[group] = rss / 2 ** 20;
      this.peak.set(group, Math.max(this.peak.get(group) ?? 0, point[group]));
    }
    this.timeline.push({ t: (performance.now() - this.started) / 1000, rssMb: point });
  }

  stop(): Usage {
    this.sample();
    clearInterval(this.timer);
    const machineEnd = machineCpu();
    const groups: Record<string, GroupUsage> = {};
    for (const group of Object.keys(this.groups))
      groups[group] = {
        cpuSeconds: 0,
        peakRssMb: this.peak.get(group) ?? 0,
        processes: this.seen.get(group)?.size ?? 0,
        byCommand: {},
        byChromiumType: {},
      };
    for (const [pid, { group, comm, type, cpu }] of this.last) {
      const used = cpu - (this.first.get(pid) ?? 0);
      const g = groups[group]!;
      g.cpuSeconds += used;
      g.byCommand[comm] = (g.byCommand[comm] ?? 0) + used;
      if (type) g.byChromiumType[type] = (g.byChromiumType[type] ?? 0) + used;
    }
    return {
      seconds: (performance.now() - this.started) / 1000,
      groups,
      machine: { busySeconds: machineEnd.busy - this.machineStart.busy, capacitySeconds: machineEnd.total - this.machineStart.total },
      timeline: this.timeline,
    };
  }
}

/**
 * CPU seconds of a process's live threads by thread name (Temporal's Rust core runs in
 * `tokio-runtime-w`, workflows in a worker thread, sharp and fs in `libuv-worker`, V8's GC and
 * compiler in `V8 DefaultWorke`…), so a process's CPU can be told apart without a profiler.
 */
export function threadCpu(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = text.lastIndexOf(')');
      const name =
        text
          .slice(text.indexOf('(') + 1, close)
          .replace(/\d+$/, '')
          .trim() || '?';
      const fields = text.slice(close + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** `after − before` per name, rounded; names below 0.05 s left out. */
export function threadCpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(after)) {
    const used = seconds - (before[name] ?? 0);
    if (used >= 0.05) out[name] = Math.round(used * 10) / 10;
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

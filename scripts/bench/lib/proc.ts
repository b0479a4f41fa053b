import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Readings from /proc (Linux): a process's memory and CPU time, and each CPU's busy time. */

let clockTicks: number | undefined;

/** Clock ticks per second of the times in /proc (`getconf CLK_TCK`, almost always 100). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Memory of a process from /proc/<pid>/status, in bytes; undefined once it is gone. */
export interface ProcMemory {
  readonly rss: number;
  /** Peak RSS of the process's whole life (VmHWM). */
  readonly peakRss: number;
}

export function procMemory(pid: number): ProcMemory | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

/**
 * User + system CPU time of a process and all its threads, in seconds; with `tid`, of that one thread (the
 * main thread's tid is the pid). Undefined once it is gone.
 */
export function procCpuSeconds(pid: number, tid?: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/** Busy time of each CPU since boot, in seconds (everything but idle and iowait). */
export function cpuBusySeconds(): Map<number, number> {
  const busy = new Map<number, number>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = match[2]!.split(/\s+/).map(Number);
    const total = user + nice + system + irq + softirq + steal;
    busy.set(Number(match[1]), total / ticksPerSecond());
  }
  return busy;
}

/** A point in time for {@link cpuShare}: the clock, the processes' CPU time and each CPU's busy time. */
export interface CpuSnapshot {
  readonly at: number;
  /** CPU seconds of each process, all threads. */
  readonly processes: ReadonlyMap<number, number>;
  /** CPU seconds of each process's main thread (node's JS thread; the rest is GC helpers and the libuv pool). */
  readonly mainThreads: ReadonlyMap<number, number>;
  readonly cpus: ReadonlyMap<number, number>;
}

export function cpuSnapshot(pids: readonly number[]): CpuSnapshot {
  const processes = new Map<number, number>();
  const mainThreads = new Map<number, number>();
  for (const pid of pids) {
    processes.set(pid, procCpuSeconds(pid) ?? Number.NaN);
    mainThreads.set(pid, procCpuSeconds(pid, pid) ?? Number.NaN);
  }
  return { at: performance.now(), processes, mainThreads, cpus: cpuBusySeconds() };
}

/** Between two snapshots: CPU use of each process (and of its main thread) and each CPU's busy share, as fractions of one CPU. */
export function cpuShare(
  from: CpuSnapshot,
  to: CpuSnapshot,
): { processes: Map<number, number>; mainThreads: Map<number, number>; cpus: Map<number, number> } {
  const seconds = (to.at - from.at) / 1000;
  const delta = <K>(a: ReadonlyMap<K, number>, b: ReadonlyMap<K, number>) => {
    const out = new Map<K, number>();
    for (const [key, value] of b) out.set(key, (value - (a.get(key) ?? Number.NaN)) / seconds);
    return out;
  };
  return {
    processes: delta(from.processes, to.processes),
    mainThreads: delta(from.mainThreads, to.mainThreads),
    cpus: delta(from.cpus, to.cpus),
  };
}

/**
 * Waits until `cpu` is quiet (busy less than `threshold` of the time over `sampleMs`), at most `maxWaitMs`.
 * Answers the last busy share seen: the benchmark shares the machine with whatever else runs on it.
 */
export async function awaitQuietCpu(
  cpu: number,
  { threshold = 0.1, sampleMs = 500, maxWaitMs = 20_000 } = {},
): Promise<{ busy: number; waitedMs: number }> {
  const started = performance.now();
  let busy: number;
  for (;;) {
    const from = cpuBusySeconds().get(cpu) ?? 0;
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, sampleMs));
    busy = ((cpuBusySeconds().get(cpu) ?? 0) - from) / ((performance.now() - t0) / 1000);
    const waitedMs = performance.now() - started;
    if (busy < threshold || waitedMs >= maxWaitMs) return { busy, waitedMs };
  }
}

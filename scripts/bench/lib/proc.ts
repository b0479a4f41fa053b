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

/** User + system CPU time of a process and all its threads, in seconds; undefined once it is gone. */
export function procCpuSeconds(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
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
  readonly processes: ReadonlyMap<number, number>;
  readonly cpus: ReadonlyMap<number, number>;
}

export function cpuSnapshot(pids: readonly number[]): CpuSnapshot {
  const processes = new Map<number, number>();
  for (const pid of pids) processes.set(pid, procCpuSeconds(pid) ?? Number.NaN);
  return { at: performance.now(), processes, cpus: cpuBusySeconds() };
}

/** Between two snapshots: each process's CPU use and each CPU's busy share, as fractions of one CPU. */
export function cpuShare(from: CpuSnapshot, to: CpuSnapshot): { processes: Map<number, number>; cpus: Map<number, number> } {
  const seconds = (to.at - from.at) / 1000;
  const processes = new Map<number, number>();
  for (const [pid, cpu] of to.processes) processes.set(pid, (cpu - (from.processes.get(pid) ?? Number.NaN)) / seconds);
  const cpus = new Map<number, number>();
  for (const [cpu, busy] of to.cpus) cpus.set(cpu, (busy - (from.cpus.get(cpu) ?? Number.NaN)) / seconds);
  return { processes, cpus };
}

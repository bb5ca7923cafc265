import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when `taskset` exists and there are at least two cores to split between server and client. */
export function canPin(): boolean {
  return availableParallelism() >= 2 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** Pins this process (every thread: -a) to one core; threads started later inherit it. */
export function pinSelf(core: number): void {
  spawnSync('taskset', ['-a', '-cp', String(core), String(process.pid)], { stdio: 'ignore' });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface NodeProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node <args>` with a clean environment (only what the caller passes plus PATH), its
 * output in logFile, pinned to `core` with taskset when pinning is on. taskset execs node, so
 * the pid is node's own (for /proc/<pid>/status).
 */
export function startNode(options: {
  name: string;
  args: readonly string[];
  env: Record<string, string>;
  logFile: string;
  core: number | undefined;
  ipc?: boolean;
}): NodeProcess {
  const out = openSync(options.logFile, 'a');
  const command = options.core === undefined ? process.execPath : 'taskset';
  const args = options.core === undefined ? options.args : ['-c', String(options.core), process.execPath, ...options.args];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    stdio: ['ignore', out, out, ...(options.ipc ? (['ipc'] as const) : [])],
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: options.name,
    child,
    pid: child.pid!,
    logFile: options.logFile,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls a URL until it answers 2xx (or the process dies, or the deadline passes). */
export async function waitUntilServing(url: string, proc: NodeProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) break;
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const log = readFileSync(proc.logFile, 'utf8').split('\n').slice(-30).join('\n');
  throw new Error(`${proc.name} did not start serving ${url}; its log ends with:\n${log}`);
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (NaN where
 * that does not exist). Divided by the requests served, it gives the server's CPU cost per
 * request, a figure that noise from other processes on the machine disturbs far less than req/s.
 */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Peak resident memory of a process over one measurement: the kernel's high-water mark
 * (VmHWM, reset before the measurement through /proc/<pid>/clear_refs where allowed) and, as a
 * cross-check where it is not, VmRSS sampled every 100 ms. Linux only; NaN elsewhere.
 */
export class PeakRss {
  private peak = Number.NaN;
  private hwmReset = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number) {}

  start(): void {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.hwmReset = true;
    } catch {
      // Not resettable here: VmHWM would cover the whole life of the process; sampling only.
      this.hwmReset = false;
    }
    this.peak = statusField(this.pid, 'VmRSS');
    this.timer = setInterval(() => this.sample(), 100);
  }

  /** Bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    const hwm = this.hwmReset ? statusField(this.pid, 'VmHWM') : Number.NaN;
    return Number.isNaN(hwm) ? this.peak : Math.max(hwm, this.peak);
  }

  private sample(): void {
    const rss = statusField(this.pid, 'VmRSS');
    if (!Number.isNaN(rss)) this.peak = Number.isNaN(this.peak) ? rss : Math.max(this.peak, rss);
  }
}

/**
 * CPU time (ms) of every PostgreSQL server process, by pid: the postmaster, its backends (one
 * per pooled connection) and its background writers. Two snapshots around a measurement give
 * the database's share of the work (`postgresCpuBetween`); a backend that exits in between loses
 * its last slice, so on a quiet machine the figure is a slight underestimate, never inflated.
 */
export function postgresCpuSnapshot(): Map<number, number> {
  const snapshot = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      snapshot.set(Number(entry), cpuTimeMs(Number(entry)));
    } catch {
      // the process ended while the directory was read
    }
  }
  return snapshot;
}

export function postgresCpuBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) if (Number.isFinite(ms)) total += ms - (before.get(pid) ?? 0);
  return total;
}

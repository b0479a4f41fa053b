import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadMessage, LoadResult, PoolInfo, RunSpec } from './types.js';

/**
 * Child processes of the benchmark: every one is pinned to a CPU with `taskset`, tracked, and killed when
 * the driver ends, however it ends (normal exit, Ctrl-C, SIGTERM, an exception). Each child also watches
 * its stdin (or IPC channel) and leaves when the driver is gone, so even a SIGKILLed driver leaves nothing.
 */

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

const live = new Set<ChildProcess>();
const cleanups: Array<() => void> = [];
let cleaned = false;

function cleanupNow(): void {
  if (cleaned) return;
  cleaned = true;
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort on the way out
    }
  }
}

/** Kills every child and runs `onExit` hooks on any exit of the driver. Call once, first. */
export function installCleanup(onExit?: () => void): void {
  if (onExit) cleanups.push(onExit);
  process.once('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping every child process\n`);
      cleanupNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Adds a hook run when the driver exits (after the children are killed). */
export function onExit(cleanup: () => void): void {
  cleanups.push(cleanup);
}

/** The environment of children: no NODE_OPTIONS (nothing like a tsx loader may leak into a measured process). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  delete env.NODE_ENV; // express-oauth2-jwt-bearer refuses an http:// issuer under NODE_ENV=production
  return env;
}

/** Starts `node <nodeArgs> <script> <args>` pinned to `cpu`. `taskset` execs node, so the pid is node's. */
export function spawnPinned(
  cpu: number,
  script: string,
  args: readonly string[],
  options: SpawnOptions & { nodeArgs?: readonly string[]; extraEnv?: Record<string, string> },
): ChildProcess {
  const { nodeArgs = [], extraEnv, ...spawnOptions } = options;
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, ...nodeArgs, script, ...args], {
    ...spawnOptions,
    env: childEnv(extraEnv),
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** Whether `taskset` works here, and how many CPUs this process may use. */
export function checkPinning(): { ok: boolean; cpus: number[]; why?: string } {
  const result = spawnSync('taskset', ['-p', '-c', String(process.pid)], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return { ok: false, cpus: [], why: 'taskset (util-linux) is not available' };
  const list = /:\s*([\d,-]+)\s*$/.exec(result.stdout)?.[1] ?? '';
  const cpus: number[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let c = a; c <= (b ?? a); c++) cpus.push(c);
  }
  return { ok: true, cpus };
}

/** Pins the driver itself (all its threads): it serves the JWKS and talks to the children, never on the server's CPU. */
export function pinSelf(cpu: number): void {
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset could not pin the driver to CPU ${cpu}: ${result.stderr}`);
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Reads a child's stream into a bounded tail, for error messages. */
function tail(stream: NodeJS.ReadableStream | null, max = 8_000): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-max);
  });
  return () => text;
}

// ---------------------------------------------------------------------------------------------- server

/**
 * `noop-sync` / `noop-async`: calibration, a middleware doing nothing (synchronously, or after one await);
 * `limit`: the cold-path limit, one signature check and the few claim comparisons no guard can skip.
 */
export type ServerMode = 'none' | 'ours' | 'peer' | 'limit' | 'noop-sync' | 'noop-async';

export interface ServerHandle {
  readonly pid: number;
  readonly url: string;
  readonly mode: ServerMode;
  readonly child: ChildProcess;
  /** The tail of its stderr. */
  stderr(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly cpu: number;
  readonly mode: ServerMode;
  readonly issuer: string;
  readonly audience: string;
  readonly nodeArgs?: readonly string[];
  /** Extra createAuth options (JSON) for our guard: experiments only. */
  readonly oursOptions?: string;
  readonly readyTimeoutMs?: number;
}

/** Starts scripts/bench/server.mjs under plain node on `cpu`; resolves once it listens (and, for ours, has its keys). */
export function startServer(options: ServerOptions): Promise<ServerHandle> {
  const child = spawnPinned(options.cpu, join(BENCH_DIR, 'server.mjs'), [], {
    stdio: ['pipe', 'pipe', 'pipe'],
    nodeArgs: options.nodeArgs ?? [],
    extraEnv: {
      BENCH_MODE: options.mode,
      BENCH_ISSUER: options.issuer,
      BENCH_AUDIENCE: options.audience,
      BENCH_OURS_OPTIONS: options.oursOptions ?? '',
    },
  });
  const stderr = tail(child.stderr);
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => fail(new Error(`the ${options.mode} server did not start within ${options.readyTimeoutMs ?? 15_000} ms`)),
      options.readyTimeoutMs ?? 15_000,
    );
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      const err = stderr().trim();
      reject(new Error(`${error.message}${err ? `\n--- server stderr ---\n${err}` : ''}`));
    }
    child.once('error', (error) => fail(error));
    child.once('exit', (code, signal) =>
      fail(new Error(`the ${options.mode} server exited before it was ready (code ${code}, signal ${signal})`)),
    );
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^BENCH_READY (.*)$/m.exec(stdout);
      if (!match) return;
      stdout = '';
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume(); // keep draining whatever else it prints
      const ready = JSON.parse(match[1]!) as { port: number; pid: number };
      clearTimeout(timer);
      child.removeAllListeners('exit');
      if (ready.pid !== child.pid) {
        fail(new Error(`the server's pid ${ready.pid} is not the pinned child's ${child.pid}`));
        return;
      }
      resolve({
        pid: ready.pid,
        url: `http://127.0.0.1:${ready.port}`,
        mode: options.mode,
        child,
        stderr,
        stop: () => stopChild(child),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------- load generator

type EventHandler = (message: LoadMessage & { type: 'event' }) => void;

/** The autocannon process (scripts/bench/load.mjs), spoken to over IPC. */
export class LoadGenerator {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; onEvent?: EventHandler }
  >();

  private constructor(
    readonly child: ChildProcess,
    readonly pid: number,
    private readonly stderr: () => string,
  ) {
    child.on('message', (raw) => {
      const message = raw as LoadMessage;
      if (message.type === 'ready') return;
      const entry = this.pending.get(message.id);
      if (!entry) return;
      if (message.type === 'event') {
        entry.onEvent?.(message);
        return;
      }
      this.pending.delete(message.id);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(new Error(`load generator: ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const entry of this.pending.values()) {
        entry.reject(new Error(`the load generator exited (code ${code}, signal ${signal})\n${this.stderr()}`));
      }
      this.pending.clear();
    });
  }

  static start(cpu: number): Promise<LoadGenerator> {
    const child = spawnPinned(cpu, join(BENCH_DIR, 'load.mjs'), [], { stdio: ['pipe', 'inherit', 'pipe', 'ipc'] });
    const stderr = tail(child.stderr);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the load generator did not start\n${stderr()}`));
      }, 10_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the load generator exited at start (code ${code})\n${stderr()}`));
      });
      child.on('message', function onReady(raw) {
        const message = raw as LoadMessage;
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        child.off('message', onReady);
        child.removeAllListeners('exit');
        resolve(new LoadGenerator(child, message.pid, stderr));
      });
    });
  }

  private call(body: Record<string, unknown>, onEvent?: EventHandler): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onEvent });
      this.child.send({ id, ...body });
    });
  }

  loadTokens(name: string, files: readonly string[]): Promise<PoolInfo> {
    return this.call({ cmd: 'tokens', name, files }) as Promise<PoolInfo>;
  }

  run(spec: RunSpec, onEvent?: EventHandler): Promise<LoadResult> {
    return this.call({ cmd: 'run', spec }, onEvent) as Promise<LoadResult>;
  }

  stop(): Promise<void> {
    this.child.disconnect?.();
    return stopChild(this.child);
  }
}

// ---------------------------------------------------------------------------------------------- minting

export interface MintJob {
  /** RS256, ES256 or EdDSA: the algorithm of `pem`'s key. */
  readonly alg: string;
  readonly pem: string;
  readonly kid: string;
  readonly issuer: string;
  readonly audience: string;
  readonly clientId: string;
  readonly count: number;
  /** Makes every token of every job distinct: part of `jti` and `sub`. */
  readonly prefix: string;
  readonly expiresIn: number;
  /** Where the tokens go, one a line. */
  readonly file: string;
}

/** Runs the jobs in parallel, the i-th on cpus[i % cpus.length]; resolves when all files are written. */
export async function mint(jobs: readonly MintJob[], cpus: readonly number[], workDir: string): Promise<void> {
  await Promise.all(
    jobs.map((job, i) => {
      const jobFile = join(workDir, `mint-job-${job.prefix}.json`);
      writeFileSync(jobFile, JSON.stringify(job), { mode: 0o600 });
      const child = spawnPinned(cpus[i % cpus.length]!, join(BENCH_DIR, 'mint.mjs'), [jobFile], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const stdout = tail(child.stdout);
      const stderr = tail(child.stderr);
      return new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => {
          if (code === 0 && stdout().includes(`MINTED ${job.count}`)) resolve();
          else reject(new Error(`minting ${job.count} tokens failed (code ${code})\n${stderr()}`));
        });
      });
    }),
  );
}

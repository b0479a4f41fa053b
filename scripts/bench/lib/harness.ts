import { execFileSync } from 'node:child_process';
import { KeyObject } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import {
  BENCH_DIR,
  mint,
  startServer,
  type LoadGenerator,
  type MintJob,
  type ServerHandle,
  type ServerMode,
} from './children.js';
import type { BenchOptions } from './options.js';
import { cpuShare, type CpuSnapshot } from './proc.js';
import type { CpuUse, GcUse } from './results.js';
import type { Alg } from './scenarios.js';

/**
 * What the scenario run and the memory run share: the fake provider's tokens, the pinned server with its
 * probe, the token pools of the load generator, and the server's own statistics.
 */

export const AUDIENCE = 'test-api';
export const CLIENT_ID = 'test_api_client';
/** The route every scenario measures. */
export const PATH = '/api/data';

export const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Where and how a run ran, printed at the head of its report. */
export interface BenchMeta {
  readonly date: string;
  readonly commit: string | undefined;
  readonly node: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly serverCpu: number;
  readonly loadCpu: number;
  readonly connections: number;
  readonly duration: number;
  readonly warmup: number;
  readonly oursOptions: string | undefined;
  readonly loadavgAtStart: readonly number[];
}

function commit(): string | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    const sha = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', '../../src') !== '' ? `${sha} (src/ modified)` : sha;
  } catch {
    return undefined;
  }
}

export function benchMeta(options: BenchOptions): BenchMeta {
  return {
    date: new Date().toISOString(),
    commit: commit(),
    node: process.version,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    serverCpu: options.serverCpu,
    loadCpu: options.loadCpu,
    connections: options.connections,
    duration: options.duration,
    warmup: options.warmup,
    oursOptions: options.oursOptions,
    loadavgAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

/** An issuer whose tokens a run sends: a fake provider, its private key as PEM for the minting processes. */
export interface Signer {
  readonly alg: Alg;
  readonly provider: FakeProvider;
  readonly pem: string;
  /** A token for the probe, never part of a measured pool. */
  readonly probe: string;
}

interface GcCounts {
  readonly minor: number;
  readonly major: number;
  readonly incremental: number;
  readonly pauseMs: number;
}

/** What the server's unmeasured /__bench routes answer. */
export interface ServerStats {
  readonly memory: NodeJS.MemoryUsage;
  readonly gc: GcCounts;
  readonly collected?: boolean;
}

/** The server's memory and GC counts (after a full GC when `gc`); undefined when it does not answer. */
export async function serverStats(url: string, gc = false): Promise<ServerStats | undefined> {
  try {
    const res = await fetch(`${url}/__bench/${gc ? 'gc' : 'stats'}`, {
      method: gc ? 'POST' : 'GET',
      signal: AbortSignal.timeout(10_000),
    });
    return (await res.json()) as ServerStats;
  } catch {
    return undefined;
  }
}

export function gcUse(
  from: ServerStats | undefined,
  to: ServerStats | undefined,
  responses: number,
): GcUse | undefined {
  if (!from || !to || responses === 0) return undefined;
  const pauseMs = to.gc.pauseMs - from.gc.pauseMs;
  return {
    minor: to.gc.minor - from.gc.minor,
    major: to.gc.major - from.gc.major,
    incremental: to.gc.incremental - from.gc.incremental,
    pauseMs,
    pauseUsPerRequest: (pauseMs * 1000) / responses,
  };
}

async function status(url: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  await res.arrayBuffer();
  return res.status;
}

/** The load generator, the fake providers, the servers and the token pools of one run. */
export class Harness {
  private mintJobs = 0;
  private readonly signers = new Map<Alg, Promise<Signer>>();

  constructor(
    readonly options: BenchOptions,
    readonly load: LoadGenerator,
    private readonly workDir: string,
    readonly profileDir: string | undefined,
  ) {}

  /** The fake provider signing with `alg` (one per algorithm, started on first use, on the driver's CPU). */
  signer(alg: Alg): Promise<Signer> {
    let signer = this.signers.get(alg);
    if (!signer) {
      signer = (async () => {
        const provider = await startFakeProvider({ alg, audience: AUDIENCE, clientId: CLIENT_ID });
        const privateKey = provider.currentKey.privateKey as unknown as Parameters<typeof KeyObject.from>[0];
        const pem = KeyObject.from(privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
        const probe = await provider.mint({}, { expiresIn: 4 * 3_600 });
        return { alg, provider, pem, probe };
      })();
      this.signers.set(alg, signer);
    }
    return signer;
  }

  /** Stops every fake provider. */
  async close(): Promise<void> {
    const signers = await Promise.allSettled(this.signers.values());
    await Promise.all(signers.map((s) => (s.status === 'fulfilled' ? s.value.provider.close() : undefined)));
  }

  /** Mints `count` distinct tokens of `signer` into files (two jobs, one per CPU); answers the files. */
  async mintPool(signer: Signer, name: string, count: number, expiresIn: number): Promise<string[]> {
    const started = performance.now();
    const halves = count < 100 ? [count] : [Math.ceil(count / 2), Math.floor(count / 2)];
    const { alg, provider, pem } = signer;
    const jobs: MintJob[] = halves.map((n) => ({
      alg,
      pem,
      kid: provider.currentKey.kid,
      issuer: provider.issuer,
      audience: AUDIENCE,
      clientId: CLIENT_ID,
      count: n,
      prefix: `${name}${this.mintJobs++}`,
      expiresIn,
      file: join(this.workDir, `${name}-${this.mintJobs}.tokens`),
    }));
    await mint(jobs, [this.options.serverCpu, this.options.loadCpu], this.workDir);
    if (count >= 10_000)
      log(
        `  minted ${count.toLocaleString('en-US')} ${alg} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    return jobs.map((j) => j.file);
  }

  /** Loads token files into a named pool of the load generator and checks it holds `expected` distinct tokens. */
  async loadPool(name: string, files: string[], expected: number): Promise<void> {
    const info = await this.load.loadTokens(name, files);
    for (const file of files) rmSync(file, { force: true }); // the load generator holds them now
    if (info.count !== expected || info.distinct !== expected) {
      throw new Error(
        `token pool "${name}": expected ${expected} distinct tokens, got ${info.count} (${info.distinct} distinct)`,
      );
    }
  }

  /** A fresh server process on the server's CPU trusting `signer`'s issuer (under --cpu-prof with --profile). */
  startServer(
    mode: ServerMode,
    signer: Signer,
    name: string,
    extraNodeArgs: readonly string[] = [],
  ): Promise<ServerHandle> {
    const nodeArgs = [...extraNodeArgs];
    if (this.profileDir)
      nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${this.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`);
    return startServer({
      cpu: this.options.serverCpu,
      mode,
      issuer: signer.provider.issuer,
      audience: AUDIENCE,
      nodeArgs,
      ...(this.options.oursOptions !== undefined ? { oursOptions: this.options.oursOptions } : {}),
    });
  }

  /** The server answers, the guard admits a good token and refuses a missing or forged one (so it is really on). */
  async probe(server: ServerHandle, signer: Signer): Promise<void> {
    const token = signer.probe;
    const url = `${server.url}${PATH}`;
    const stats = await status(`${server.url}/__bench/stats`, {});
    if (stats !== 200) throw new Error(`GET /__bench/stats answered ${stats}`);
    const good = await status(url, { authorization: `Bearer ${token}` });
    if (good !== 200) throw new Error(`a valid token was answered ${good}, not 200`);
    const guarded = server.mode === 'ours' || server.mode === 'peer' || server.mode === 'limit';
    const none = await status(url, {});
    const expected = guarded ? 401 : 200;
    if (none !== expected) throw new Error(`a request without a token was answered ${none}, not ${expected}`);
    if (guarded) {
      const dot = token.lastIndexOf('.');
      const i = dot + 20; // inside the signature (its last character may be padding bits only)
      const forged = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      const bad = await status(url, { authorization: `Bearer ${forged}` });
      if (bad !== 401) throw new Error(`a token with a forged signature was answered ${bad}, not 401`);
    }
  }

  /** CPU shares between two snapshots of the server and the load generator. */
  cpuUse(from: CpuSnapshot | undefined, to: CpuSnapshot | undefined, serverPid: number): CpuUse | undefined {
    if (!from || !to) return undefined;
    const share = cpuShare(from, to);
    const server = share.processes.get(serverPid) ?? Number.NaN;
    return {
      server,
      serverMain: share.mainThreads.get(serverPid) ?? Number.NaN,
      load: share.processes.get(this.load.pid) ?? Number.NaN,
      serverCpuOther: (share.cpus.get(this.options.serverCpu) ?? Number.NaN) - server,
    };
  }
}

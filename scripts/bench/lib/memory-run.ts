import type { ServerHandle } from './children.js';
import { log, PATH, serverStats, type Harness } from './harness.js';
import { awaitQuietCpu, cpuSnapshot, procMemory, type CpuSnapshot } from './proc.js';
import { flagsOf, pct, type Checkpoint, type CpuUse, type MemoryResult } from './results.js';
import type { LoadResult } from './types.js';

const MB = 1024 * 1024;
const mb = (bytes: number): string => (bytes / MB).toFixed(1);

const heapOf = (stats: { memory: NodeJS.MemoryUsage } | undefined) =>
  stats ? { heapUsed: stats.memory.heapUsed, heapTotal: stats.memory.heapTotal, external: stats.memory.external } : {};

async function checkpoint(server: ServerHandle, label: string, responses: number, gc = false): Promise<Checkpoint> {
  const stats = gc ? await serverStats(server.url, true) : undefined;
  const m = procMemory(server.pid);
  if (!m) throw new Error(`the server (pid ${server.pid}) is gone`);
  const after = gc ? stats : await serverStats(server.url);
  return { label, responses, rss: m.rss, peakRss: m.peakRss, ...heapOf(after) };
}

/**
 * The memory run: RSS at idle, after a warm-up (1,000 tokens round-robin, so the code is optimised and the
 * heap sized for load, while the cache holds only those), every 100,000 requests of the measured run
 * (`--tokens` distinct tokens round-robin) and at its end. The growth judged is end − after warm-up: what
 * the requests and their tokens added, not what any node server under load takes (young generation, JIT
 * code, sockets), which the idle-to-warm line shows apart.
 */
export async function memoryRun(harness: Harness): Promise<MemoryResult> {
  const { options, load } = harness;
  const { memoryRequests: requests, memoryTokens: tokenCount, guard } = options;
  const warmup = options.warmupGiven ? options.warmup : 5;
  const guardName = { ours: 'our guard', peer: 'express-oauth2-jwt-bearer', none: 'no guard' }[guard];
  log(
    `memory run: ${requests.toLocaleString('en-US')} requests over ${tokenCount.toLocaleString('en-US')} distinct tokens round-robin, ${guardName}`,
  );
  log(`minting ${tokenCount.toLocaleString('en-US')} tokens (RS256, node:crypto, one process per CPU)`);
  const signer = await harness.signer('RS256');
  const files = await harness.mintPool(signer, 'memory', tokenCount, 4 * 3_600);
  await harness.loadPool('memory', files, tokenCount);
  const warmFiles = await harness.mintPool(signer, 'warm', 1_000, 4 * 3_600);
  await harness.loadPool('warm', warmFiles, 1_000);

  const quiet = await awaitQuietCpu(options.serverCpu, { maxWaitMs: options.quietWait * 1000 });
  if (quiet.busy >= 0.1)
    log(`  CPU ${options.serverCpu} is still ${pct(quiet.busy)} busy with other work; running anyway`);
  const server = await harness.startServer(guard, signer, `memory-${guard}`, ['--expose-gc']);
  const checkpoints: Checkpoint[] = [];
  let result: LoadResult;
  let warmResult: LoadResult | undefined;
  let afterGc: Checkpoint;
  let cpu: CpuUse | undefined;
  try {
    await harness.probe(server, signer);
    checkpoints.push(await checkpoint(server, 'idle (after a full GC)', 0, true));
    const base = { url: server.url, path: PATH, connections: options.connections, warmup: 0 };
    if (warmup > 0) {
      warmResult = await load.run({ ...base, tokens: 'warm', rotation: 'cycle', duration: warmup });
      checkpoints.push(await checkpoint(server, `after ${warmup} s warm-up`, 0));
    }
    log(`  ${checkpoints.map((c) => `${c.label}: RSS ${mb(c.rss)} MB`).join(', ')}`);
    const pending: Array<Promise<void>> = [];
    const every = Math.min(100_000, Math.max(1_000, Math.floor(requests / 10)));
    const t0 = performance.now();
    let from: CpuSnapshot | undefined;
    let to: CpuSnapshot | undefined;
    const pids = [server.pid, load.pid];
    result = await load.run(
      { ...base, tokens: 'memory', rotation: 'cycle', duration: 0, amount: requests, progressEvery: every },
      (event) => {
        if (event.event === 'measure-start') from = cpuSnapshot(pids);
        if (event.event === 'measure-end') to = cpuSnapshot(pids);
        if (event.event !== 'progress') return;
        const label = event.responses.toLocaleString('en-US');
        pending.push(
          checkpoint(server, label, event.responses).then((c) => {
            checkpoints.push(c);
            log(`  ${label} requests (${((performance.now() - t0) / 1000).toFixed(0)} s): RSS ${mb(c.rss)} MB`);
          }),
        );
      },
    );
    await Promise.all(pending);
    cpu = harness.cpuUse(from, to, server.pid);
    checkpoints.push(await checkpoint(server, 'end', result.responses));
    afterGc = await checkpoint(server, 'end, after a full GC', result.responses, true);
  } finally {
    await server.stop();
  }

  const idle = checkpoints[0]!;
  const warm = warmup > 0 ? checkpoints[1]! : idle;
  const progress = checkpoints
    .filter((c) => c !== idle && c !== warm && c.label !== 'end')
    .sort((a, b) => a.responses - b.responses);
  const end = checkpoints[checkpoints.length - 1]!;
  const flags = flagsOf(result, cpu);
  if (warmResult && (warmResult.non2xx > 0 || warmResult.errors > 0))
    flags.push(`warm-up: ${warmResult.non2xx} non-2xx, ${warmResult.errors} errors`);
  return {
    guard,
    requests,
    tokens: tokenCount,
    warmup,
    load: result,
    cpu,
    checkpoints: [idle, ...(warm !== idle ? [warm] : []), ...progress, end, afterGc],
    baselineRss: warm.rss,
    growth: end.rss - warm.rss,
    growthFromIdle: end.rss - idle.rss,
    peakGrowth: end.peakRss - warm.rss,
    flags,
    errored: result.non2xx > 0 || result.errors > 0,
  };
}

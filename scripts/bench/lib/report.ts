import type { BenchMeta } from './harness.js';
import { pct, ratiosOf, type MemoryResult, type Ratios, type ScenarioResult } from './results.js';
import type { Target } from './targets.js';

/** The reports of both runs: the text tables people read and the JSON (`--json`) scripts read. */

const MB = 1024 * 1024;
const int = (x: number | undefined): string => (x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
const ms = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(2));
const times = (x: number | undefined): string => (x === undefined ? '—' : `${x.toFixed(2)}×`);
const mb = (bytes: number | undefined): string => (bytes === undefined ? '—' : (bytes / MB).toFixed(1));

/** A plain-text table: first row is the header; columns right-aligned except those in `left`. */
export function table(rows: readonly (readonly string[])[], left: ReadonlySet<number> = new Set([0, 1])): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - [...cell].length);
        return left.has(c) ? cell + pad : pad + cell;
      })
      .join('  ')
      .trimEnd();
  const sep = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

/** Each scenario's ratios to the ceiling (1), to its peer and to the cold-path limit of its algorithm. */
function comparisons(results: ReadonlyMap<string, ScenarioResult>, r: ScenarioResult) {
  return {
    toCeiling: r.id === '1' ? undefined : ratiosOf(r, results.get('1')),
    toPeer: r.peer ? ratiosOf(r, results.get(r.peer)) : undefined,
    toLimit: r.limit ? ratiosOf(r, results.get(r.limit)) : undefined,
  };
}

function resultsTable(results: ReadonlyMap<string, ScenarioResult>): string {
  const rows: string[][] = [
    [
      '#',
      'scenario',
      'req/s',
      '×(1)',
      '×peer',
      '×limit',
      'p50 ms',
      '×(1)',
      '×peer',
      'p99 ms',
      '×(1)',
      '×peer',
      'RSS MB before→after',
      'status',
    ],
  ];
  for (const r of results.values()) {
    const { toCeiling, toPeer, toLimit } = comparisons(results, r);
    rows.push([
      `(${r.id})`,
      r.label,
      r.status === 'failed' ? 'FAILED' : int(r.rps),
      times(toCeiling?.rps),
      times(toPeer?.rps),
      times(toLimit?.rps),
      ms(r.p50Ms),
      times(toCeiling?.p50),
      times(toPeer?.p50),
      ms(r.p99Ms),
      times(toCeiling?.p99),
      times(toPeer?.p99),
      r.rss ? `${mb(r.rss.before)} → ${mb(r.rss.after)}` : '—',
      r.status === 'ok' ? 'ok' : r.status === 'flagged' ? 'FLAGGED' : 'FAILED',
    ]);
  }
  return table(rows);
}

function healthTable(results: ReadonlyMap<string, ScenarioResult>): string {
  const rows: string[][] = [
    [
      '#',
      'responses',
      '2xx',
      'non-2xx',
      'errors',
      'tokens sent (distinct / repeated)',
      'server CPU',
      '(main thread)',
      'load CPU',
      'other on server CPU',
      'req/CPU-s',
      '×(1)',
      'GC µs/req',
      'GCs minor/major',
      'peak RSS MB',
    ],
  ];
  for (const r of results.values()) {
    const l = r.load;
    rows.push([
      `(${r.id})`,
      int(l?.responses),
      int(l?.ok),
      int(l?.non2xx),
      int(l?.errors),
      l
        ? `${int(l.tokens.sent)} (${int(l.tokens.distinctSent)} / ${int(l.tokens.repeatedSends)}) ${l.tokens.rotation}`
        : '—',
      r.cpu ? pct(r.cpu.server) : '—',
      r.cpu ? pct(r.cpu.serverMain) : '—',
      r.cpu ? pct(r.cpu.load) : '—',
      r.cpu ? pct(Math.max(0, r.cpu.serverCpuOther)) : '—',
      int(r.rpsPerCpu),
      times(comparisons(results, r).toCeiling?.rpsPerCpu),
      r.gc ? r.gc.pauseUsPerRequest.toFixed(1) : '—',
      r.gc ? `${r.gc.minor}/${r.gc.major}` : '—',
      mb(r.rss?.peak),
    ]);
  }
  return table(rows, new Set([0, 5]));
}

function targetsText(targets: readonly Target[]): string {
  return targets
    .map((t) => {
      const mark = t.status === 'met' ? '[met]    ' : t.status === 'not met' ? '[NOT MET]' : '[unknown]';
      const op = t.op === '>=' ? '≥' : t.op === '<=' ? '≤' : '>';
      const value =
        t.value === undefined
          ? ''
          : t.unit
            ? `: ${t.value.toFixed(1)} ${t.unit} (limit ${op} ${t.limit} ${t.unit})`
            : `: ${t.value.toFixed(3)}× (limit ${op} ${t.limit}×)`;
      const numbers = t.numbers ? `; ${t.numbers}` : '';
      return `  ${mark} ${t.text}${value}${numbers}${t.note ? `  — ${t.note}` : ''}`;
    })
    .join('\n');
}

const heading = (what: string, meta: BenchMeta): string =>
  `bearer-guard ${what} — ${meta.date}${meta.commit ? `, commit ${meta.commit}` : ''}`;

/** The default run's report: results, health, flags, targets. */
export function scenarioReport(
  meta: BenchMeta,
  path: string,
  results: ReadonlyMap<string, ScenarioResult>,
  targets: readonly Target[],
  profileDir: string | undefined,
): string {
  const out: string[] = [];
  out.push('');
  out.push(
    `${heading('benchmark', meta)}\n` +
      `node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}; server on CPU ${meta.serverCpu}, autocannon -c ${meta.connections} on CPU ${meta.loadCpu}; ` +
      `GET ${path}, ${meta.warmup} s warm-up + ${meta.duration} s per scenario, a fresh server process each; load average at start ${meta.loadavgAtStart.join(' ')}`,
  );
  if (meta.oursOptions !== undefined)
    out.push(`(--ours-options: our guard ran with extra options ${meta.oursOptions})`);
  if (profileDir)
    out.push(`(--profile: servers ran under --cpu-prof, figures are not representative; profiles in ${profileDir})`);
  out.push('');
  out.push(resultsTable(results));
  out.push('');
  out.push(
    '×(1): ratio to the unprotected route; ×peer: ratio to express-oauth2-jwt-bearer with the same tokens (2↔5a, 3↔5b, 4↔5c, es4↔es5, ed4↔ed5);',
  );
  out.push(
    '×limit: ratio to the cold-path limit of the same algorithm (L, esL, edL): a synchronous middleware doing one node:crypto',
  );
  out.push(
    'check and the iss/exp/scope comparisons, nothing else: the least work any guard does for a token never seen.',
  );
  out.push(
    'Latency ratios below 1 are better; req/s ratios above 1 are better. RSS: fresh server before the warm-up → after the run.',
  );
  out.push('');
  out.push(healthTable(results));
  const flagged = [...results.values()].filter((r) => r.flags.length);
  if (flagged.length) {
    out.push('');
    out.push('Flagged (figures not to be trusted as they are):');
    for (const r of flagged) out.push(`  (${r.id}) ${r.flags.join('; ')}`);
  }
  out.push('');
  out.push('Targets (reported, not asserted):');
  out.push(targetsText(targets));
  out.push('  (RSS growth over 1,000,000 requests with 100,000 tokens: run `npm run bench -- --memory`)');
  return out.join('\n');
}

const tokensText = (r: ScenarioResult): string =>
  r.rotation === 'fixed' ? '1 token' : r.rotation === 'cycle' ? '1,000 tokens round-robin' : 'every token distinct';

/** The default run as JSON. */
export function scenarioJson(
  meta: BenchMeta,
  results: ReadonlyMap<string, ScenarioResult>,
  targets: readonly Target[],
): string {
  const scenarios = [...results.values()].map((r) => {
    const { toCeiling, toPeer, toLimit } = comparisons(results, r);
    return {
      id: r.id,
      label: r.label,
      mode: r.mode,
      alg: r.alg,
      tokens: tokensText(r),
      status: r.status,
      flags: r.flags,
      attempts: r.attempts ?? 1,
      rps: r.rps,
      rpsPerCpu: r.rpsPerCpu,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      toCeiling,
      toPeer: r.peer ? ({ peer: r.peer, ...toPeer } satisfies Ratios & { peer: string }) : undefined,
      toLimit: r.limit ? ({ limit: r.limit, ...toLimit } satisfies Ratios & { limit: string }) : undefined,
      rssMb: r.rss && {
        before: r.rss.before / MB,
        after: r.rss.after / MB,
        peak: r.rss.peak / MB,
        heapUsedAfter: r.rss.heapUsedAfter && r.rss.heapUsedAfter / MB,
      },
      cpu: r.cpu,
      gc: r.gc,
      responses: r.load && {
        total: r.load.responses,
        ok: r.load.ok,
        non2xx: r.load.non2xx,
        errors: r.load.errors,
        timeouts: r.load.timeouts,
        statusCodes: r.load.statusCodes,
        elapsedS: r.load.elapsed,
      },
      latencyUs: r.load?.latencyUs,
      tokenUse: r.load?.tokens,
      warmup: r.load?.warmup,
    };
  });
  return JSON.stringify({ meta, scenarios, targets }, null, 2);
}

function guardText(memory: MemoryResult, meta: BenchMeta): string {
  if (memory.guard === 'peer') return 'express-oauth2-jwt-bearer';
  if (memory.guard === 'none') return 'no guard';
  return meta.oursOptions ? `our guard with ${meta.oursOptions}` : 'our guard with its default cache';
}

/** The memory run's report: the RSS readings, the load, the growth and its target. */
export function memoryReport(meta: BenchMeta, memory: MemoryResult, target: Target): string {
  const { load: result, cpu } = memory;
  const rows = [['requests', 'RSS MB', 'Δ RSS MB (vs warm)', 'JS heap used MB', 'JS heap total MB', 'external MB']];
  for (const c of memory.checkpoints)
    rows.push([c.label, mb(c.rss), mb(c.rss - memory.baselineRss), mb(c.heapUsed), mb(c.heapTotal), mb(c.external)]);
  const count = (n: number) => n.toLocaleString('en-US');
  const out = [
    '',
    heading('memory run', meta),
    `node ${meta.node}; ${guardText(memory, meta)}; ${count(memory.requests)} requests over ${count(memory.tokens)} distinct tokens round-robin ` +
      `after a ${memory.warmup} s warm-up over 1,000 other tokens; autocannon -c ${meta.connections}; server on CPU ${meta.serverCpu}`,
    '',
    table(rows, new Set([0])),
    '',
    `${count(result.responses)} responses (${count(result.ok)} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors) in ${result.elapsed.toFixed(1)} s: ` +
      `${count(Math.round(result.rps))} req/s, p50 ${((result.latencyUs.p50 ?? 0) / 1000).toFixed(2)} ms, p99 ${((result.latencyUs.p99 ?? 0) / 1000).toFixed(2)} ms; ` +
      `${count(result.tokens.distinctSent)} distinct tokens sent, each ${(result.tokens.sent / Math.max(1, result.tokens.distinctSent)).toFixed(1)} times`,
  ];
  if (cpu)
    out.push(
      `server CPU ${pct(cpu.server)} (main thread ${pct(cpu.serverMain)}), load generator ${pct(cpu.load)}, other work on the server's CPU ${pct(Math.max(0, cpu.serverCpuOther))}`,
    );
  out.push(
    `RSS growth: ${mb(memory.growth)} MB from after the warm-up to the end (${mb(memory.growthFromIdle)} MB from idle); peak RSS (VmHWM) − after warm-up: ${mb(memory.peakGrowth)} MB`,
  );
  if (memory.flags.length) out.push(`FLAGGED: ${memory.flags.join('; ')}`);
  out.push('', 'Target (reported, not asserted):', targetsText([target]));
  return out.join('\n');
}

/** The memory run as JSON. */
export function memoryJson(meta: BenchMeta, memory: MemoryResult, target: Target): string {
  const { load: result } = memory;
  const body = {
    rps: result.rps,
    p50Ms: (result.latencyUs.p50 ?? Number.NaN) / 1000,
    p99Ms: (result.latencyUs.p99 ?? Number.NaN) / 1000,
    responses: {
      total: result.responses,
      ok: result.ok,
      non2xx: result.non2xx,
      errors: result.errors,
      statusCodes: result.statusCodes,
      elapsedS: result.elapsed,
    },
    tokenUse: result.tokens,
    cpu: memory.cpu,
    checkpoints: memory.checkpoints.map((c) => ({
      label: c.label,
      responses: c.responses,
      rssMb: c.rss / MB,
      peakRssMb: c.peakRss / MB,
      heapUsedMb: c.heapUsed && c.heapUsed / MB,
      heapTotalMb: c.heapTotal && c.heapTotal / MB,
      externalMb: c.external && c.external / MB,
    })),
    growthMb: memory.growth / MB,
    growthFromIdleMb: memory.growthFromIdle / MB,
    peakGrowthMb: memory.peakGrowth / MB,
    flags: memory.flags,
  };
  const jsonMeta = {
    ...meta,
    duration: undefined,
    warmup: memory.warmup,
    guard: memory.guard,
    requests: memory.requests,
    tokens: memory.tokens,
  };
  return JSON.stringify({ meta: jsonMeta, memory: body, targets: [target] }, null, 2);
}

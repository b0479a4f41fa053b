// The load generator: one plain-node process pinned (by the driver) to the core the server does not use,
// running autocannon through its programmatic API and answering the driver over IPC.
//
//   { id, cmd: 'tokens', name, files }  loads token files (one token a line) into a named pool; answers
//                                       how many tokens it holds and how many of them are distinct.
//   { id, cmd: 'run', spec }            a warm-up (unmeasured), then the measured run; answers its figures.
//
// Every request goes through the same `setupRequest`, whatever the scenario, so the load generator does the
// same work per request in every scenario. Tokens are taken with a counter shared by all connections:
// `fixed` always sends pool[0]; `cycle` sends the pool round-robin; `once` sends each token at most once and
// stops the run (flagged) if the pool runs out. Latency is recorded per response in microseconds (autocannon's
// own histogram has whole-millisecond resolution, too coarse for a 1.2x p99 target).
import { readFileSync } from 'node:fs';
import { createHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';

const pools = new Map();

function send(message) {
  if (process.connected) process.send(message);
}

function loadPool(name, files) {
  const tokens = [];
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line !== '') tokens.push(line);
  }
  pools.set(name, tokens);
  return {
    name,
    count: tokens.length,
    distinct: new Set(tokens).size,
    bytes: tokens.reduce((n, t) => n + t.length, 0),
  };
}

/** One autocannon run; resolves with its figures. */
function cannon(spec, tokenSource, options) {
  return new Promise((resolve, reject) => {
    const latency = createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });
    const statusCodes = {};
    const errorSamples = [];
    let responses = 0;
    let ok = 0;
    let started = 0n;
    const request = {
      method: 'GET',
      path: spec.path,
      setupRequest(req) {
        const token = tokenSource.next();
        if (token !== undefined) req.headers.authorization = `Bearer ${token}`;
        return req;
      },
    };
    const opts = {
      url: spec.url,
      connections: spec.connections,
      requests: [request],
      timeout: 10,
      ...(options.amount ? { amount: options.amount } : { duration: options.duration }),
    };
    let instance;
    try {
      instance = autocannon(opts, (error, result) => {
        if (error) return reject(error);
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({
          elapsed,
          responses,
          ok,
          rps: responses / elapsed,
          okRps: ok / elapsed,
          latencyUs: {
            p50: latency.count ? latency.percentile(50) : null,
            p90: latency.count ? latency.percentile(90) : null,
            p99: latency.count ? latency.percentile(99) : null,
            max: latency.count ? latency.max : null,
            mean: latency.count ? latency.mean : null,
          },
          statusCodes,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          errorSamples,
          autocannon: {
            requestsAverage: result.requests.average,
            latencyP99Ms: result.latency.p99,
            duration: result.duration,
          },
        });
      });
    } catch (error) {
      return reject(error);
    }
    tokenSource.onExhausted = () => instance.stop();
    instance.on('start', () => {
      started = process.hrtime.bigint();
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      responses++;
      if (statusCode >= 200 && statusCode < 300) ok++;
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      latency.record(Math.max(1, Math.round(responseTime * 1000)));
      if (options.progressEvery && responses % options.progressEvery === 0) {
        send({ type: 'event', id: options.id, event: 'progress', responses });
      }
    });
    instance.on('reqError', (error) => {
      if (errorSamples.length < 5) errorSamples.push(String(error?.message ?? error));
    });
  });
}

/** Hands out tokens as the spec says, counting what was sent. */
function tokenSource(spec) {
  const pool = spec.tokens ? pools.get(spec.tokens) : undefined;
  if (spec.tokens && !pool) throw new Error(`no token pool "${spec.tokens}"`);
  const source = {
    sent: 0,
    overrun: 0,
    onExhausted: undefined,
    next() {
      if (!pool) return undefined;
      const i = source.sent++;
      if (spec.rotation === 'fixed') return pool[0];
      if (spec.rotation === 'cycle') return pool[i % pool.length];
      if (i >= pool.length) {
        // `once`: the pool is spent. Reuse is counted and the run stopped; the driver flags the scenario.
        if (source.overrun++ === 0) setImmediate(() => source.onExhausted?.());
        return pool[i % pool.length];
      }
      return pool[i];
    },
  };
  return source;
}

async function run(id, spec) {
  const source = tokenSource(spec);
  let warmup;
  if (spec.warmup > 0) {
    warmup = await cannon(spec, source, { duration: spec.warmup, id });
    if (source.overrun > 0) throw new Error(`token pool "${spec.tokens}" ran out during the warm-up`);
  }
  const firstMeasured = source.sent;
  send({ type: 'event', id, event: 'measure-start' });
  const measured = await cannon(spec, source, {
    duration: spec.duration,
    amount: spec.amount,
    progressEvery: spec.progressEvery,
    id,
  });
  send({ type: 'event', id, event: 'measure-end' });
  const pool = spec.tokens ? pools.get(spec.tokens) : undefined;
  const sentMeasured = source.sent - firstMeasured;
  return {
    warmup: warmup && {
      responses: warmup.responses,
      ok: warmup.ok,
      non2xx: warmup.non2xx,
      errors: warmup.errors,
      statusCodes: warmup.statusCodes,
      rps: warmup.rps,
    },
    ...measured,
    tokens: {
      pool: pool?.length ?? 0,
      rotation: spec.rotation,
      sent: source.sent,
      sentMeasured,
      // tokens that went out more than once during this run (warm-up included)
      repeatedSends:
        spec.rotation === 'fixed'
          ? Math.max(0, source.sent - 1)
          : spec.rotation === 'cycle'
            ? Math.max(0, source.sent - (pool?.length ?? 0))
            : source.overrun,
      distinctSent: spec.rotation === 'fixed' ? Math.min(1, source.sent) : Math.min(source.sent, pool?.length ?? 0),
      exhausted: source.overrun > 0,
    },
  };
}

process.on('message', (message) => {
  const { id, cmd } = message;
  const reply = (body) => send({ type: 'reply', id, ...body });
  Promise.resolve()
    .then(() => {
      if (cmd === 'tokens') return loadPool(message.name, message.files);
      if (cmd === 'run') return run(id, message.spec);
      throw new Error(`unknown command "${cmd}"`);
    })
    .then(
      (result) => reply({ ok: true, result }),
      (error) => reply({ ok: false, error: String(error?.stack ?? error) }),
    );
});
// Without the driver there is nothing to do.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });

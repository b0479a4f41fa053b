import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthEvent, ReplayStore, RevocationStore } from '../index.js';
import { createDemoApp } from './app.js';
import { eventLine } from './event-log.js';
import { readSettings, SettingsError } from './settings.js';

function fail(message: string): never {
  console.error(`demo server: ${message}`);
  process.exit(2);
}

let settings;
try {
  settings = readSettings(process.env);
} catch (error) {
  fail(error instanceof SettingsError ? error.message : String(error));
}
const onEvent = (event: AuthEvent): void => console.log(eventLine(event));
let revocations: RevocationStore | undefined;
let dpopReplay: ReplayStore | undefined;
let dpopNonceSecret: string | undefined;
if (settings.redisUrl !== undefined) {
  const { RedisRevocationStore, RedisReplayStore } = await import('../redis/index.js');
  try {
    revocations = await RedisRevocationStore.connect(settings.redisUrl, {
      onOutage: settings.redisOnOutage ?? 'fail-closed',
      onEvent,
    });
    const replay = await RedisReplayStore.connect(settings.redisUrl);
    dpopReplay = replay;
    if (settings.dpopNonce === true) dpopNonceSecret = await replay.sharedSecret(); // every instance's nonces pass
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error)); // names the URL without its credentials
  }
}
if (settings.audience === false) {
  console.warn('demo server: WARNING: AUDIENCE=none turns the audience check off: any token of the realm passes');
}

// RATE_LIMIT counts are shared through the same Redis, so every instance enforces one budget per client.
let rateLimitRedis;
if (settings.redisUrl !== undefined && settings.rateLimit !== undefined) {
  const { Redis } = await import('ioredis');
  const { redisAddress } = await import('../redis/index.js');
  rateLimitRedis = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await rateLimitRedis
    .connect()
    .catch((error: Error) => fail(`cannot reach REDIS_URL ${redisAddress(settings.redisUrl!)}: ${error.message}`));
}

let app: RequestListener;
try {
  app = await createDemoApp(settings, {
    ...(revocations ? { revocations } : {}),
    ...(rateLimitRedis ? { rateLimitRedis } : {}),
    onEvent,
    ...(dpopReplay ? { dpopReplay } : {}),
    ...(dpopNonceSecret ? { dpopNonceSecret } : {}),
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const server = createServer(app).listen(settings.port, settings.host);
server.on('listening', () => {
  const { port } = server.address() as AddressInfo;
  console.log(
    `demo server listening on http://${settings.host}:${port} (${settings.framework ?? 'express'}, issuer ${settings.issuerUrl}, audience ${settings.audience === false ? 'none' : settings.audience})`,
  );
});
server.on('error', (error: NodeJS.ErrnoException) => {
  fail(`cannot listen on ${settings.host}:${settings.port}: ${error.code ?? error.message}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

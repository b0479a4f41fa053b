import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { clientRateLimit } from '../rate-limit/index.js';
import { clientRateLimit as fastifyClientRateLimit } from '../rate-limit/fastify.js';
import type { DemoSettings } from './settings.js';

/** Where RATE_LIMIT counts live: this Redis when REDIS_URL is set (so every instance shares them), else memory. */
export interface DemoRateLimitOptions {
  readonly rateLimitRedis?: Redis;
}

/** Every instance names its counters alike, so they share them. */
const PREFIX = 'bearer-guard-demo:rate:';

/** The Express middleware enforcing RATE_LIMIT per verified client, or `undefined` when it is unset. */
export function expressDemoLimiter(settings: DemoSettings, options: DemoRateLimitOptions) {
  if (settings.rateLimit === undefined) return undefined;
  const redis = options.rateLimitRedis;
  return clientRateLimit({
    limit: settings.rateLimit,
    ...(redis === undefined
      ? {}
      : {
          store: new RedisStore({
            prefix: PREFIX,
            sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
          }),
        }),
  });
}

/** Registers @fastify/rate-limit and returns the hook enforcing RATE_LIMIT, or `undefined` when it is unset. */
export async function fastifyDemoLimiter(
  app: FastifyInstance,
  settings: DemoSettings,
  options: DemoRateLimitOptions,
): Promise<onRequestHookHandler | undefined> {
  if (settings.rateLimit === undefined) return undefined;
  await app.register(fastifyRateLimit, {
    global: false,
    enableDraftSpec: true,
    nameSpace: PREFIX,
    ...(options.rateLimitRedis === undefined ? {} : { redis: options.rateLimitRedis }),
  });
  return fastifyClientRateLimit(app, { limit: settings.rateLimit });
}

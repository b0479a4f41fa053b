/** The demo server's settings (shared/demo-contract.md). The only reader of `process.env` under src/. */
export interface DemoSettings {
  readonly issuerUrl: string;
  /** `false` when AUDIENCE=none. */
  readonly audience: string | false;
  readonly discoveryUrl: string;
  readonly host: string;
  readonly port: number;
  readonly redisUrl: string | undefined;
  /** REDIS_ON_OUTAGE: what a guarded request gets while Redis is down. Default `fail-closed` (503). */
  readonly redisOnOutage?: 'fail-closed' | 'fail-open';
  /** FRAMEWORK: which adapter serves the routes. Default `express`. */
  readonly framework?: 'express' | 'fastify';
  /** RATE_LIMIT: requests per minute for each verified client across the protected routes. Default: no limit. */
  readonly rateLimit?: number;
  /** RESOURCE: the API's resource identifier (RFC 9728) and public origin (DPoP `htu` is compared with it). */
  readonly resource?: string;
  /** DPOP_NONCE=on: DPoP proofs must carry a server nonce. Default off. */
  readonly dpopNonce?: boolean;
}

/** A setting that cannot be used; the server exits non-zero with this message. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

function url(name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new SettingsError(`${name} must be a URL, got "${value}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new SettingsError(`${name} must be an http(s) URL, got "${value}"`);
  return value;
}

/** RESOURCE is an origin, exactly as written: `scheme://host[:port]`, no path, no trailing slash, nothing else. */
function origin(value: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !/^https?:$/.test(parsed.protocol) || parsed.origin !== value) {
    throw new SettingsError(
      `RESOURCE must be an origin (http(s)://host[:port], no path, no trailing slash), got "${value}"`,
    );
  }
  return value;
}

/** Reads and checks the settings; throws {@link SettingsError} on a bad one. */
export function readSettings(env: NodeJS.ProcessEnv): DemoSettings {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const issuerUrl = url('ISSUER_URL', get('ISSUER_URL') ?? 'http://localhost:8080/realms/myorg');
  const discoveryUrl = url('DISCOVERY_URL', get('DISCOVERY_URL') ?? issuerUrl);
  const audienceSetting = get('AUDIENCE') ?? 'test-api';
  const portSetting = get('PORT') ?? '50100';
  if (!/^\d+$/.test(portSetting) || Number(portSetting) > 65535) {
    throw new SettingsError(`PORT must be a port number (0-65535), got "${portSetting}"`);
  }
  const redisUrl = get('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new SettingsError(`REDIS_URL must be a redis:// or rediss:// URL, got "${redisUrl}"`);
  }
  const redisOnOutage = get('REDIS_ON_OUTAGE') ?? 'fail-closed';
  if (redisOnOutage !== 'fail-closed' && redisOnOutage !== 'fail-open') {
    throw new SettingsError(`REDIS_ON_OUTAGE must be fail-closed or fail-open, got "${redisOnOutage}"`);
  }
  const framework = get('FRAMEWORK') ?? 'express';
  if (framework !== 'express' && framework !== 'fastify') {
    throw new SettingsError(`FRAMEWORK must be express or fastify, got "${framework}"`);
  }
  const rateLimit = get('RATE_LIMIT');
  if (rateLimit !== undefined && (!/^\d+$/.test(rateLimit) || Number(rateLimit) < 1)) {
    throw new SettingsError(`RATE_LIMIT must be a positive whole number of requests per minute, got "${rateLimit}"`);
  }
  const host = get('HOST') ?? '127.0.0.1';
  const resource = origin(get('RESOURCE') ?? `http://${host.includes(':') ? `[${host}]` : host}:${portSetting}`);
  const dpopNonce = get('DPOP_NONCE') ?? 'off';
  if (dpopNonce !== 'on' && dpopNonce !== 'off') {
    throw new SettingsError(`DPOP_NONCE must be on or off, got "${dpopNonce}"`);
  }
  return {
    issuerUrl,
    audience: audienceSetting.toLowerCase() === 'none' ? false : audienceSetting,
    discoveryUrl,
    host,
    port: Number(portSetting),
    redisUrl,
    redisOnOutage,
    framework,
    ...(rateLimit === undefined ? {} : { rateLimit: Number(rateLimit) }),
    resource,
    dpopNonce: dpopNonce === 'on',
  };
}

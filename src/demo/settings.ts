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
  /** RESOURCE: the API's public origin (DPoP `htu` is compared with it). Default `http://<HOST>:<PORT>`. */
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

/** True for `scheme://host[:port]` exactly: an http(s) URL that is its own origin. */
function isOrigin(value: string): boolean {
  try {
    const parsed = new URL(value);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === value;
  } catch {
    return false;
  }
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
  const host = get('HOST') ?? '127.0.0.1';
  const resource = get('RESOURCE') ?? `http://${host.includes(':') ? `[${host}]` : host}:${portSetting}`;
  if (!isOrigin(resource)) {
    throw new SettingsError(`RESOURCE must be an origin (scheme://host[:port], no path), got "${resource}"`);
  }
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
    resource,
    dpopNonce: dpopNonce === 'on',
  };
}

/**
 * Validators for the client's options. Configuration mistakes throw `TypeError` naming the option,
 * at construction time, so that a misconfigured service fails at startup rather than on its first call.
 */

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** True for hosts that never leave the machine: `localhost`, `*.localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname)
  );
}

/**
 * Parses an http(s) URL option. Plain `http://` is accepted only for a loopback host or when
 * `allowInsecureHttp` is set, since the token endpoint receives credentials and returns bearer tokens.
 */
export function parseHttpUrl(name: string, value: unknown, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    if (typeof value !== 'string' && !(value instanceof URL)) throw new TypeError();
    url = new URL(value);
  } catch {
    throw new TypeError(`"${name}" must be a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`"${name}" must be an http(s) URL`);
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new TypeError(`"${name}" must use https unless its host is loopback or "allowInsecureHttp" is set`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(`"${name}" must not contain credentials`);
  }
  if (url.hash !== '') throw new TypeError(`"${name}" must not contain a fragment`);
  return url;
}

/** Asserts a non-empty string option. */
export function assertNonEmptyString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`"${name}" must be a non-empty string`);
  }
}

/** Asserts an optional boolean option. */
export function assertOptionalBoolean(name: string, value: unknown): asserts value is boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`"${name}" must be a boolean`);
  }
}

/** Asserts an optional number option within `[min, max]`. */
export function assertOptionalNumber(
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new TypeError(`"${name}" must be a number from ${min} to ${max}`);
  }
}

/** Asserts an optional function option. */
export function assertOptionalFunction(
  name: string,
  value: unknown,
): asserts value is ((...args: never[]) => unknown) | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`"${name}" must be a function`);
  }
}

/**
 * Validates the requested scopes and returns them de-duplicated and sorted, so that the same set of scopes
 * always yields the same request and the same cache key.
 */
export function normalizeScopes(value: unknown): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
    throw new TypeError('"scopes" must be an array of scope tokens (no spaces, quotes or backslashes)');
  }
  return Object.freeze([...new Set(value as string[])].sort());
}

/**
 * Validators for the client's options. Configuration mistakes throw `TypeError` naming the option,
 * at construction time, so that a misconfigured service fails at startup rather than on its first call.
 */

import { checkUrl } from '../shared/url-policy.js';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Parses a URL option or metadata member under the one URL rule shared with the guard (../shared/url-policy.ts):
 * https, or plain http to a loopback host only unless `allowInsecureHttp`; no credentials, no fragment; with
 * `issuer`, no query either. The token endpoint receives credentials and returns bearer tokens.
 */
export function parseHttpUrl(name: string, value: unknown, allowInsecureHttp: boolean, issuer = false): URL {
  return checkUrl(value instanceof URL ? value.href : value, name, { allowInsecureHttp, issuer });
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

import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { InvalidTokenError } from '../errors.js';

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedJws {
  readonly header: JWTHeaderParameters;
  readonly payload: JWTPayload;
}

/** Three base64url parts, no padding, no stray characters (RFC 7515 §7.1, RFC 7519 §7.2). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** True when `token` has the shape of a compact JWS (a JWT); anything else is an opaque token. */
export function isCompactJws(token: string): boolean {
  return COMPACT_JWS.test(token);
}

/**
 * Decodes one part, refusing any spelling base64url encoding would not produce (RFC 7515 §2: no padding, and
 * no set spare bits in the last character, no stray trailing character): Node's decoder ignores those, so
 * without this check one token would have many spellings, each getting past a revocation or a cache keyed
 * by the text.
 */
export function decodeBase64url(part: string, what: 'header' | 'payload' | 'signature'): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  if (part.length % 4 === 1 || bytes.toString('base64url') !== part)
    throw new InvalidTokenError(`token ${what} is not valid base64url`, { reason: 'malformed' });
  return bytes;
}

function decodeJsonObject(part: string, what: 'header' | 'payload'): Record<string, unknown> {
  const bytes = decodeBase64url(part, what);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidTokenError(`token ${what} is not valid JSON`, { reason: 'malformed' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidTokenError(`token ${what} is not a JSON object`, { reason: 'malformed' });
  }
  return value as Record<string, unknown>;
}

/**
 * Splits and decodes a compact JWS without verifying it: anything else (a JWE's five parts, padding, stray
 * characters, a header or payload that is not a JSON object, an over-long token) is an {@link InvalidTokenError}.
 */
export function decodeCompactJws(token: string, maxLength: number): DecodedJws {
  if (token.length > maxLength)
    throw new InvalidTokenError(`token is longer than ${maxLength} characters`, { reason: 'malformed' });
  if (!COMPACT_JWS.test(token))
    throw new InvalidTokenError('token is not a compact JWS (three base64url parts)', { reason: 'malformed' });
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  const header = decodeJsonObject(token.slice(0, first), 'header');
  const payload = decodeJsonObject(token.slice(first + 1, second), 'payload');
  return { header: header as JWTHeaderParameters, payload: payload as JWTPayload };
}

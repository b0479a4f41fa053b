import type { JWTPayload } from 'jose';
import { InvalidTokenError } from './errors.js';

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/**
 * The token's scopes: RFC 8693/9068's space-delimited `scope` string, or an array of strings in `scope` or
 * `scp` (Okta, Azure AD). Any other type is a malformed token.
 */
export function scopesOf(payload: JWTPayload): string[] {
  const scope = payload.scope ?? payload.scp;
  if (scope === undefined) return [];
  if (typeof scope === 'string') return scope.split(' ').filter((s) => s !== '');
  const list = stringArray(scope);
  if (list === undefined) throw new InvalidTokenError('"scope" claim must be a space-delimited string');
  return list;
}

/** Keycloak realm roles: `realm_access.roles`; anything malformed counts as no roles. */
export function realmRolesOf(payload: JWTPayload): string[] {
  const access = payload.realm_access;
  if (typeof access !== 'object' || access === null) return [];
  return stringArray((access as { roles?: unknown }).roles) ?? [];
}

/**
 * Keycloak client roles: `resource_access[<client id>].roles` for every client (client ids may hold dots,
 * so they are keys, never paths). Only own properties are read: a client named `__proto__` or
 * `constructor` is just a name.
 */
export function clientRolesOf(payload: JWTPayload): Record<string, string[]> {
  const access = payload.resource_access;
  const roles: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  if (typeof access !== 'object' || access === null || Array.isArray(access)) return roles;
  for (const client of Object.keys(access)) {
    const entry = (access as Record<string, unknown>)[client];
    const list =
      typeof entry === 'object' && entry !== null ? stringArray((entry as { roles?: unknown }).roles) : undefined;
    if (list !== undefined) roles[client] = list;
  }
  return roles;
}

import type { JWTPayload } from 'jose';
import { InvalidTokenError } from '../errors.js';

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
  if (list === undefined)
    throw new InvalidTokenError('"scope" claim must be a space-delimited string', { reason: 'claim_type' });
  return list;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `roles` of one Keycloak access entry (`{ "roles": [...] }`, other members such as `verify_caller` left
 * alone); `undefined` when the entry is not of that shape. An entry without `roles` holds none.
 */
function rolesOfEntry(entry: unknown): string[] | undefined {
  if (!isRecord(entry)) return undefined;
  return entry.roles === undefined ? [] : stringArray(entry.roles);
}

/**
 * Keycloak realm roles: `realm_access.roles`, none without `realm_access`. Any other shape is a malformed token
 * (as a malformed `scope` is): refusing says what is wrong, where counting it as no roles would hide it.
 */
export function realmRolesOf(payload: JWTPayload): string[] {
  if (payload.realm_access === undefined) return [];
  const roles = rolesOfEntry(payload.realm_access);
  if (roles === undefined)
    throw new InvalidTokenError('"realm_access" claim must be an object whose "roles" is an array of strings', {
      reason: 'claim_type',
    });
  return roles;
}

/**
 * Keycloak client roles: `resource_access[<client id>].roles` for every client (client ids may hold dots,
 * so they are keys, never paths). Only own properties are read: a client named `__proto__` or
 * `constructor` is just a name. Any other shape is a malformed token.
 */
export function clientRolesOf(payload: JWTPayload): Record<string, string[]> {
  const access = payload.resource_access;
  const roles: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  if (access === undefined) return roles;
  const malformed = () =>
    new InvalidTokenError(
      '"resource_access" claim must map client ids to objects whose "roles" is an array of strings',
      { reason: 'claim_type' },
    );
  if (!isRecord(access)) throw malformed();
  for (const client of Object.keys(access)) {
    const list = rolesOfEntry(access[client]);
    if (list === undefined) throw malformed();
    roles[client] = list;
  }
  return roles;
}

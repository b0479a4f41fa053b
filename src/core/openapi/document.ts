import type { GuardRequirement } from '../pipeline/guard-registry.js';

/** One guarded route as a framework registered it: `path` already in OpenAPI form (`/items/{id}`). */
export interface GuardedRoute {
  /** Lower-case HTTP method (`get`, `post`, …). */
  readonly method: string;
  readonly path: string;
  readonly requirement: GuardRequirement;
}

/** What the document needs besides the routes. */
export interface SecurityDocumentInput {
  readonly routes: readonly GuardedRoute[];
  /** The provider's token endpoint, for the client-credentials flow. */
  readonly tokenUrl: string;
  /** Name of the oauth2 scheme under `components.securitySchemes`. */
  readonly schemeName: string;
  /** Human descriptions of scopes; a scope without one is described by its own name. */
  readonly scopeDescriptions: Readonly<Record<string, string>>;
  /** When set, an `openIdConnect` scheme of this name pointing at `openIdConnectUrl` is added too. */
  readonly openIdConnect?: { readonly schemeName: string; readonly url: string };
}

/** An OpenAPI security requirement object: scheme name → scopes. */
export type SecurityRequirement = Record<string, string[]>;

/** The part of one operation this library writes. */
export interface SecuredOperation {
  security: SecurityRequirement[];
  /** Roles the guard demands, which OpenAPI's security model cannot express. */
  'x-required-roles'?: { realm?: string[]; client?: Record<string, string[]> };
}

/** An OpenAPI 3.1 fragment: the security schemes and, per path and method, the operation's security. */
export interface SecurityDocument {
  components: { securitySchemes: Record<string, Record<string, unknown>> };
  paths: Record<string, Record<string, SecuredOperation>>;
}

/**
 * The security requirement list of one guard. Scopes the token must all hold form one requirement; "one of"
 * scopes become alternatives, one requirement per scope (each also carrying the mandatory ones); an optional
 * guard adds the empty requirement, which OpenAPI reads as "anonymous is fine too".
 */
export function securityOf(requirement: GuardRequirement, schemeName: string): SecurityRequirement[] {
  const alternatives =
    requirement.anyScopes.length === 0
      ? [{ [schemeName]: [...requirement.scopes] }]
      : requirement.anyScopes.map((scope) => ({
          [schemeName]: [...new Set([...requirement.scopes, scope])],
        }));
  return requirement.optional ? [{}, ...alternatives] : alternatives;
}

function rolesOf(requirement: GuardRequirement): SecuredOperation['x-required-roles'] {
  const client = Object.entries(requirement.clientRoles).filter(([, roles]) => roles.length > 0);
  if (requirement.realmRoles.length === 0 && client.length === 0) return undefined;
  return {
    ...(requirement.realmRoles.length > 0 ? { realm: [...requirement.realmRoles] } : {}),
    ...(client.length > 0 ? { client: Object.fromEntries(client.map(([id, roles]) => [id, [...roles]])) } : {}),
  };
}

/** Builds the fragment: framework-neutral, the adapters only collect the routes. */
export function buildSecurityDocument(input: SecurityDocumentInput): SecurityDocument {
  const scopes = new Map<string, string>();
  const paths: SecurityDocument['paths'] = {};
  for (const route of input.routes) {
    for (const scope of [...route.requirement.scopes, ...route.requirement.anyScopes]) {
      scopes.set(scope, input.scopeDescriptions[scope] ?? scope);
    }
    const roles = rolesOf(route.requirement);
    (paths[route.path] ??= {})[route.method] = {
      security: securityOf(route.requirement, input.schemeName),
      ...(roles === undefined ? {} : { 'x-required-roles': roles }),
    };
  }
  const securitySchemes: SecurityDocument['components']['securitySchemes'] = {
    [input.schemeName]: {
      type: 'oauth2',
      flows: {
        clientCredentials: {
          tokenUrl: input.tokenUrl,
          scopes: Object.fromEntries([...scopes].sort(([a], [b]) => (a < b ? -1 : 1))),
        },
      },
    },
  };
  if (input.openIdConnect !== undefined) {
    securitySchemes[input.openIdConnect.schemeName] = {
      type: 'openIdConnect',
      openIdConnectUrl: input.openIdConnect.url,
    };
  }
  return { components: { securitySchemes }, paths };
}

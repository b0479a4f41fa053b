import { checkUrl } from '../../shared/url-policy.js';
import { refuseUnknownKeys, type OptionKeys } from '../../shared/option-keys.js';
import { buildSecurityDocument, type GuardedRoute, type SecurityDocument } from './document.js';
import { OPERATION_METHODS } from './merge.js';

/** Options of `auth.openapi()`. */
export interface OpenApiOptions {
  /** The token endpoint for the client-credentials flow. Default: the issuer's, found by OIDC discovery. */
  readonly tokenUrl?: string;
  /** Name of the oauth2 security scheme. Default `"oauth2"`. */
  readonly schemeName?: string;
  /** Descriptions of scopes, shown by documentation tools; a scope without one is described by its name. */
  readonly scopeDescriptions?: Readonly<Record<string, string>>;
  /** Also add an `openIdConnect` scheme named `"openIdConnect"` pointing at the discovery document. Default false. */
  readonly openIdConnect?: boolean;
}

const OPENAPI_OPTION_KEYS = {
  tokenUrl: true,
  schemeName: true,
  scopeDescriptions: true,
  openIdConnect: true,
} as const satisfies OptionKeys<OpenApiOptions>;

/** What the generator needs of the provider: the discovery document's URL and its token endpoint. */
export interface ProviderEndpoints {
  readonly discoveryDocumentUrl: string;
  tokenEndpoint(): Promise<string>;
  readonly allowInsecureHttp: boolean;
}

/** The OpenAPI path of a framework's route path: `:id` becomes `{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Keeps only real operations, once each (the first guard found for a method and path wins). */
function documentedRoutes(routes: readonly GuardedRoute[]): GuardedRoute[] {
  const seen = new Set<string>();
  return routes.filter((route) => {
    const key = `${route.method} ${route.path}`;
    if (!OPERATION_METHODS.has(route.method) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Checks the options, finds the token endpoint (unless given) and builds the fragment for `routes`. */
export async function generateSecurityDocument(
  routes: readonly GuardedRoute[],
  options: OpenApiOptions | undefined,
  provider: ProviderEndpoints,
): Promise<SecurityDocument> {
  const given = options ?? {};
  if (typeof given !== 'object' || given === null) throw new TypeError('openapi options must be an object');
  refuseUnknownKeys(given, OPENAPI_OPTION_KEYS, 'openapi');
  const schemeName = given.schemeName ?? 'oauth2';
  if (typeof schemeName !== 'string' || !/^[A-Za-z0-9._-]+$/.test(schemeName)) {
    throw new TypeError('"schemeName" must be a name of letters, digits, ".", "_" or "-"');
  }
  const descriptions = given.scopeDescriptions ?? {};
  if (typeof descriptions !== 'object' || Object.values(descriptions).some((d) => typeof d !== 'string')) {
    throw new TypeError('"scopeDescriptions" must map scope names to strings');
  }
  if (given.tokenUrl !== undefined) {
    checkUrl(given.tokenUrl, 'tokenUrl', { allowInsecureHttp: provider.allowInsecureHttp });
  }
  const tokenUrl = given.tokenUrl ?? (await provider.tokenEndpoint());
  return buildSecurityDocument({
    routes: documentedRoutes(routes),
    tokenUrl,
    schemeName,
    scopeDescriptions: descriptions,
    ...(given.openIdConnect === true
      ? { openIdConnect: { schemeName: 'openIdConnect', url: provider.discoveryDocumentUrl } }
      : {}),
  });
}

import type { DpopChallenge } from '../bearer/challenge.js';
import type { ResolvedOptions } from '../options.js';
import type { GuardRequirement } from '../pipeline/guard-registry.js';
import { refuseUnknownKeys, type OptionKeys } from '../../shared/option-keys.js';
import { checkUrl } from '../../shared/url-policy.js';
import { resourceMetadataUrl } from '../../shared/resource-metadata-url.js';

/** Options of `protectedResource()`: what the document says beyond what the configuration already does. */
export interface ProtectedResourceOptions {
  /** A human-readable name of the API (`resource_name`). */
  readonly resourceName?: string;
  /** A page for developers about the API (`resource_documentation`). */
  readonly resourceDocumentation?: string;
  /** Scopes to list besides those the guards require (`scopes_supported`). */
  readonly scopes?: readonly string[];
  /** `Cache-Control: max-age` of the document, in seconds. Default 3600. */
  readonly maxAge?: number;
}

export const PROTECTED_RESOURCE_OPTION_KEYS = {
  resourceName: true,
  resourceDocumentation: true,
  scopes: true,
  maxAge: true,
} as const satisfies OptionKeys<ProtectedResourceOptions>;

/** The RFC 9728 §2 document this library serves. */
export interface ProtectedResourceDocument {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly bearer_methods_supported: readonly ('header' | 'body' | 'query')[];
  readonly resource_name?: string;
  readonly resource_documentation?: string;
  // `resource_signing_alg_values_supported` is left out: this library signs no responses.
  /** RFC 9728 §2 for DPoP (RFC 9449): the proof algorithms accepted, when DPoP is. */
  readonly dpop_signing_alg_values_supported?: readonly string[];
  /** Whether every token must be DPoP-bound (`dpop.mode: 'required'`). */
  readonly dpop_bound_access_tokens_required?: boolean;
}

/** The document served as HTTP: any adapter sends exactly this. */
export interface MetadataAnswer {
  readonly status: 200;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ProtectedResourceDocument;
}

/** A resource's metadata: where it is served and what it answers. */
export interface ResourceMetadata {
  /** The path the document is served at (RFC 9728 §3.1: with the resource's path after the well-known part). */
  readonly path: string;
  /** The absolute URL, as every challenge names it. */
  readonly url: string;
  /** The answer, built when asked so that guards created since are counted. */
  answer(): MetadataAnswer;
  /** Whether a request's method and URL (path and query, as on the request line) ask for the document. */
  matches(method: string | undefined, url: string | undefined): boolean;
}

/** What the document is built from besides the options: the configuration and the guards built so far. */
export interface MetadataSources {
  readonly resolved: ResolvedOptions;
  readonly requirements: () => readonly GuardRequirement[];
  /** The token places the adapter reads besides the header. */
  readonly bearerMethods: { readonly body: boolean; readonly query: boolean };
  /** DPoP as the guards accept it, if they do. */
  readonly dpop?: DpopChallenge | undefined;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new TypeError(`"${name}" must be a non-empty string`);
  return value;
}

function scopeList(value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)))
    throw new TypeError('"scopes" must be an array of scope names (RFC 6749 §3.3)');
  return value as string[];
}

/** Every scope a guard requires, all of or one of, then the extras, each once, in first-seen order. */
function supportedScopes(requirements: readonly GuardRequirement[], extras: readonly string[]): string[] {
  return [...new Set([...requirements.flatMap((r) => [...r.scopes, ...r.anyScopes]), ...extras])];
}

/**
 * Builds the RFC 9728 metadata of the configured `resource`: `resource` exactly as configured (clients compare
 * it with the URL they asked for, §3.3), the configured issuers as `authorization_servers`, and every scope the
 * guards require. Options are validated here, once: a mistake throws a `TypeError`.
 */
export function createResourceMetadata(
  sources: MetadataSources,
  options: ProtectedResourceOptions = {},
): ResourceMetadata {
  const { resolved } = sources;
  if (resolved.resource === undefined)
    throw new TypeError('"protectedResource" needs the "resource" option: the URL clients know this API by');
  refuseUnknownKeys(options, PROTECTED_RESOURCE_OPTION_KEYS, '');
  const resourceName = optionalString(options.resourceName, 'resourceName');
  const documentation = optionalString(options.resourceDocumentation, 'resourceDocumentation');
  if (documentation !== undefined) checkUrl(documentation, 'resourceDocumentation', { allowInsecureHttp: true });
  const extras = scopeList(options.scopes);
  const maxAge = options.maxAge ?? 3600;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new TypeError('"maxAge" must be a whole number of seconds');
  const url = resourceMetadataUrl(resolved.resource);
  const resource = resolved.resource;
  const methods: ProtectedResourceDocument['bearer_methods_supported'] = [
    'header',
    ...(sources.bearerMethods.body ? (['body'] as const) : []),
    ...(sources.bearerMethods.query ? (['query'] as const) : []),
  ];
  const path = new URL(url).pathname;
  return Object.freeze({
    path,
    url,
    matches: (method: string | undefined, requestUrl: string | undefined) =>
      (method === 'GET' || method === 'HEAD') && requestUrl?.split('?')[0] === path,
    answer: (): MetadataAnswer => ({
      status: 200,
      // Public and the same for everyone: browser-based clients (MCP inspectors, SPAs) may read it cross-origin.
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': `public, max-age=${maxAge}`,
        'Access-Control-Allow-Origin': '*',
      },
      body: {
        resource,
        authorization_servers: resolved.issuers.map((i) => i.issuer),
        scopes_supported: supportedScopes(sources.requirements(), extras),
        bearer_methods_supported: methods,
        ...(resourceName === undefined ? {} : { resource_name: resourceName }),
        ...(documentation === undefined ? {} : { resource_documentation: documentation }),
        ...(sources.dpop === undefined
          ? {}
          : {
              dpop_signing_alg_values_supported: sources.dpop.algs,
              dpop_bound_access_tokens_required: sources.dpop.required,
            }),
      },
    }),
  });
}

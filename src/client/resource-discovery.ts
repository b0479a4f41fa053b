/**
 * Protected-resource discovery (RFC 9728): from an API's URL alone, finds the authorization servers that issue
 * its tokens and the scopes it knows, so that a client needs no issuer configured.
 */
import { RESOURCE_METADATA_PATH, resourceMetadataUrl } from '../shared/resource-metadata-url.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import { UnexpectedResponseError } from './errors.js';
import { parseJsonObject, sendToProvider } from './http.js';
import { assertOptionalBoolean, assertOptionalNumber, parseHttpUrl } from './options.js';
import { bearerChallengeParam } from './www-authenticate.js';

/** Options of {@link discoverResource}. */
export interface DiscoverResourceOptions {
  /** Each request is abandoned after this long (ms). Default 5000. */
  readonly timeoutMs?: number;
  /** Allow `http://` URLs on hosts other than loopback. Default false. */
  readonly allowInsecureHttp?: boolean;
}

const DISCOVER_RESOURCE_KEYS = {
  timeoutMs: true,
  allowInsecureHttp: true,
} as const satisfies OptionKeys<DiscoverResourceOptions>;

/** What a protected resource says about itself, validated. */
export interface ResourceDescription {
  /** The resource identifier, as the document states it. */
  readonly resource: string;
  /** Where the document was read. */
  readonly metadataUrl: string;
  /** The issuers of its tokens (at least one), for {@link discovery}. */
  readonly authorizationServers: readonly string[];
  /** The scopes it names (empty when it names none). */
  readonly scopesSupported: readonly string[];
  /** The whole document, for members this library does not read. */
  readonly document: Readonly<Record<string, unknown>>;
}

/** A URL member of the document under the URL rule: a bad one makes the document unusable, not the caller wrong. */
function memberUrl(name: string, value: unknown, allowInsecureHttp: boolean, issuer: boolean): URL {
  try {
    return parseHttpUrl(name, value, allowInsecureHttp, issuer);
  } catch (error) {
    throw new UnexpectedResponseError(`unusable resource metadata: ${(error as Error).message}`);
  }
}

/** True when `asked` lies within `resource`: the same origin, and its path at or under the resource's path. */
function withinResource(resource: URL, asked: URL): boolean {
  if (resource.origin !== asked.origin) return false;
  const base = resource.pathname.replace(/\/$/, '');
  return asked.pathname === base || asked.pathname.startsWith(`${base}/`) || base === '';
}

function stringArray(document: Record<string, unknown>, member: string, required: boolean): readonly string[] {
  const value = document[member];
  if (value === undefined && !required) return [];
  if (!Array.isArray(value) || (required && value.length === 0) || value.some((v) => typeof v !== 'string' || v === ''))
    throw new UnexpectedResponseError(`unusable resource metadata: "${member}" must be an array of strings`);
  return Object.freeze([...(value as string[])]);
}

/**
 * Reads a protected resource's metadata. `url` is the API (any of its URLs) or its resource identifier: an
 * unauthenticated GET of it that answers 401 with `resource_metadata` (RFC 9728 §5.1) says where the document
 * is; otherwise it is at the well-known URL derived from `url` (§3.1). Every URL fetched passes the URL rule.
 *
 * The document is used only if its `resource` is the resource asked for (§3.3): exactly `url` for a derived
 * URL; for a URL named by a challenge, the resource must contain `url` (same origin, `url`'s path at or under
 * the resource's path), since a client calling `/api/orders` of `https://api.example.com` is told about the
 * resource `https://api.example.com`. Every authorization server must pass the URL rule as an issuer.
 *
 * @throws {TypeError} when an option or `url` is invalid.
 * @throws {ClientError} when the document cannot be fetched or is unusable.
 * @example
 * const { authorizationServers, scopesSupported } = await discoverResource('http://localhost:50100/api/private')
 * const config = await discovery({ issuer: authorizationServers[0], clientId, clientAuth })
 */
export async function discoverResource(
  url: string | URL,
  options: DiscoverResourceOptions = {},
): Promise<ResourceDescription> {
  refuseUnknownKeys(options, DISCOVER_RESOURCE_KEYS, '');
  assertOptionalNumber('timeoutMs', options.timeoutMs, 1, 600_000);
  assertOptionalBoolean('allowInsecureHttp', options.allowInsecureHttp);
  const timeoutMs = options.timeoutMs ?? 5000;
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  const asked = parseHttpUrl('url', url, allowInsecureHttp);
  const askedString = typeof url === 'string' ? url : asked.href;

  let metadataUrl: string;
  let fromChallenge: boolean;
  if (asked.pathname.startsWith(RESOURCE_METADATA_PATH)) {
    metadataUrl = asked.href; // the document's own URL
    fromChallenge = true; // the resource is then whatever it describes at this origin
  } else {
    const probe = await sendToProvider({
      method: 'GET',
      url: asked.href,
      headers: { accept: 'application/json' },
      timeoutMs,
    });
    const pointer =
      probe.status === 401 && probe.wwwAuthenticate !== undefined
        ? bearerChallengeParam(probe.wwwAuthenticate, 'resource_metadata')
        : undefined;
    fromChallenge = pointer !== undefined;
    metadataUrl = pointer ?? resourceMetadataUrl(asked);
  }
  const target = memberUrl('resource_metadata', metadataUrl, allowInsecureHttp, false);
  if (target.origin !== asked.origin)
    throw new UnexpectedResponseError('the resource points to metadata on another origin; it is not followed');

  const answer = await sendToProvider({
    method: 'GET',
    url: target.href,
    headers: { accept: 'application/json' },
    timeoutMs,
  });
  if (answer.status !== 200)
    throw new UnexpectedResponseError(`unexpected HTTP status ${answer.status} from "${target.href}"`, answer.status);
  const document = parseJsonObject(answer, 'the resource metadata');
  const resource = document['resource'];
  if (typeof resource !== 'string')
    throw new UnexpectedResponseError('unusable resource metadata: "resource" must be a string', answer.status);
  const resourceUrl = memberUrl('resource', resource, allowInsecureHttp, false);
  const matches = fromChallenge
    ? withinResource(resourceUrl, asked)
    : resource === askedString || resource === asked.href;
  if (!matches) {
    throw new UnexpectedResponseError(
      `the resource metadata describes "${resource}", not the resource asked for (RFC 9728 §3.3); it is not used`,
      answer.status,
    );
  }
  const authorizationServers = stringArray(document, 'authorization_servers', true);
  for (const issuer of authorizationServers) memberUrl('authorization_servers', issuer, allowInsecureHttp, true);
  return Object.freeze({
    resource,
    metadataUrl: target.href,
    authorizationServers,
    scopesSupported: stringArray(document, 'scopes_supported', false),
    document: Object.freeze(document),
  });
}

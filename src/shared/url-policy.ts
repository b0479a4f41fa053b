/**
 * The one rule for every URL the library fetches or sends a secret to, configured or discovered, in the guard,
 * the client and the command line: `https:`, or `http:` to a loopback host only (unless the caller allows plain
 * http everywhere), never credentials in the URL, never a fragment. The client imports this file too, so it
 * imports nothing but Node built-ins.
 */
import { isIP } from 'node:net';

/** What a URL is for. */
export interface UrlRule {
  /** Plain `http://` to any host. Off by default: credentials, tokens and keys would travel in clear. */
  readonly allowInsecureHttp: boolean;
  /**
   * An issuer identifier or a base URL that paths are appended to: a query is refused as well (OpenID Connect
   * Discovery §3 and RFC 8414 §2 forbid query and fragment in an issuer), and so is the discovery document's
   * own path, which is never part of an issuer.
   */
  readonly issuer?: boolean;
  /** How the caller names the switch that allows plain http, for the message. Default `"allowInsecureHttp"`. */
  readonly insecureSwitch?: string;
}

/** The path of the OpenID Connect discovery document under an issuer. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/**
 * True for hosts that reach this machine whatever the resolver says: an IPv4 literal in 127.0.0.0/8, `[::1]`,
 * or exactly `localhost`. Takes the `hostname` of a parsed URL, which WHATWG URL parsing has already put in its
 * canonical form (`127.1` and `0x7f.1` become `127.0.0.1`, the address a fetch of that URL connects to).
 * `127.0.0.1.nip.io` or `kc.localhost` are names that a resolver may send anywhere: not loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return isIP(hostname) === 4 && hostname.split('.')[0] === '127';
}

/**
 * What is wrong with a parsed URL under `rule`, as the end of a sentence about it ("must …"), or `undefined`
 * when it is acceptable. Never repeats the URL, which may hold credentials.
 */
export function urlProblem(url: URL, rule: UrlRule): string | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an http(s) URL, not "${url.protocol}"`;
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  // `href`, not `hash`/`search`: those are empty for a bare "#" or "?", which still makes the URL another one.
  if (url.href.includes('#')) return 'must not contain a fragment';
  if (rule.issuer === true && url.href.includes('?')) return 'must not contain a query';
  if (rule.issuer === true && url.pathname.replace(/\/+$/, '').endsWith(DISCOVERY_PATH)) {
    return `must be the issuer itself, without "${DISCOVERY_PATH}"`;
  }
  if (url.protocol === 'http:' && !rule.allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    const name = rule.insecureSwitch ?? '"allowInsecureHttp"';
    return `must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or ${name} is set`;
  }
  return undefined;
}

/**
 * Parses and checks a URL option or metadata member, given as a string; throws a `TypeError` that names it (and
 * never repeats its value, which may hold credentials).
 *
 * @example
 * checkUrl('https://sso.example.com/realms/myorg', 'issuer', { allowInsecureHttp: false, issuer: true })
 */
export function checkUrl(value: unknown, name: string, rule: UrlRule): URL {
  if (typeof value !== 'string') {
    throw new TypeError(`"${name}" must be a URL, got ${value === undefined ? 'nothing' : typeof value}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`"${name}" must be a URL`);
  }
  const problem = urlProblem(url, rule);
  if (problem !== undefined) throw new TypeError(`"${name}" ${problem}`);
  return url;
}

/** A URL for messages and logs: scheme, host and path only (no credentials, query or fragment). */
export function urlForMessages(url: URL): string {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `a ${url.protocol} URL`;
  return `${url.protocol}//${url.host}${url.pathname}`;
}

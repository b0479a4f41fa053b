/**
 * Command-line parsing with node:util parseArgs: `token`, `call <url>` and `revoke [<token>]`, shared provider
 * options, and `--help` on every command.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './exit-codes.js';

export const DEFAULT_ISSUER = 'http://localhost:8080/realms/myorg';
export const DEFAULT_CLIENT_ID = 'test_api_client';
export const DEFAULT_SCOPE = 'test_api_access';

const AUTH_METHODS = new Set(['basic', 'post', 'private_key_jwt', 'tls_client_auth'] as const);
export type AuthMethod = 'basic' | 'post' | 'private_key_jwt' | 'tls_client_auth';

/** Options every command takes. */
export interface CommonArgs {
  readonly issuer: string;
  readonly tokenEndpoint: string | undefined;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly authMethod: AuthMethod;
  readonly clientSecretFile: string | undefined;
  readonly privateKeyFile: string | undefined;
  readonly kid: string | undefined;
  /** PEM files of the client's TLS certificate, its key and the CAs to trust (mTLS). */
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  readonly caFile: string | undefined;
  readonly timeoutMs: number;
  readonly allowInsecureHttp: boolean;
  readonly json: boolean;
}

/** Where `revoke` reads the token: its argument, a file, or standard input (`-`, or no argument). */
export type TokenInput =
  | { readonly from: 'argument'; readonly value: string }
  | { readonly from: 'file'; readonly path: string }
  | { readonly from: 'stdin' };

export type Command =
  | { readonly name: 'help'; readonly topic: 'main' | 'token' | 'call' | 'revoke'; readonly json: boolean }
  | { readonly name: 'version'; readonly json: boolean }
  | { readonly name: 'token'; readonly common: CommonArgs; readonly decode: boolean; readonly dpop: boolean }
  | {
      readonly name: 'call';
      readonly common: CommonArgs;
      readonly dpop: boolean;
      readonly url: string;
      readonly method: string;
      readonly data: string | undefined;
      readonly headers: readonly (readonly [string, string])[];
      /** Find the issuer through the API's protected-resource metadata (RFC 9728) instead of `--issuer`. */
      readonly discover: boolean;
    }
  | {
      readonly name: 'revoke';
      readonly common: CommonArgs;
      readonly token: TokenInput;
      readonly tokenTypeHint: string | undefined;
      readonly revocationEndpoint: string | undefined;
    };

const OPTIONS = {
  issuer: { type: 'string', default: DEFAULT_ISSUER },
  'token-endpoint': { type: 'string' },
  'client-id': { type: 'string', default: DEFAULT_CLIENT_ID },
  scope: { type: 'string', multiple: true, default: [DEFAULT_SCOPE] },
  'auth-method': { type: 'string', default: 'basic' },
  'client-secret-file': { type: 'string' },
  'private-key-file': { type: 'string' },
  kid: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  ca: { type: 'string' },
  timeout: { type: 'string', default: '10000' },
  'allow-insecure-http': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
  decode: { type: 'boolean', default: false },
  dpop: { type: 'boolean', default: false },
  method: { type: 'string', short: 'X', default: 'GET' },
  data: { type: 'string', short: 'd' },
  header: { type: 'string', short: 'H', multiple: true, default: [] },
  discover: { type: 'boolean', default: false },
  'token-file': { type: 'string' },
  'token-type-hint': { type: 'string' },
  'revocation-endpoint': { type: 'string' },
} satisfies ParseArgsConfig['options'];

const COMMANDS = new Set(['token', 'call', 'revoke'] as const);
type CommandName = 'token' | 'call' | 'revoke';

const ONLY_FOR: Readonly<Record<string, CommandName>> = {
  decode: 'token',
  method: 'call',
  data: 'call',
  header: 'call',
  discover: 'call',
  'token-file': 'revoke',
  'token-type-hint': 'revoke',
  'revocation-endpoint': 'revoke',
};

function tokenInput(rest: readonly string[], tokenFile: string | undefined): TokenInput {
  if (rest.length > 1) throw new UsageError('"revoke" takes at most one token');
  const [value] = rest;
  if (value !== undefined && tokenFile !== undefined)
    throw new UsageError('give the token as an argument or with "--token-file", not both');
  if (tokenFile !== undefined) return { from: 'file', path: tokenFile };
  return value === undefined || value === '-' ? { from: 'stdin' } : { from: 'argument', value };
}

function parseHeader(raw: string): [string, string] {
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon).trim();
  if (colon < 1 || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new UsageError(`"--header" must look like "Name: value"`);
  }
  if (name.toLowerCase() === 'authorization') {
    throw new UsageError('"--header" cannot set Authorization: the token is attached for you');
  }
  return [name, raw.slice(colon + 1).trim()];
}

/** Parses argv (without the node and script paths). Throws {@link UsageError} on a mistake. */
export function parseCommandLine(argv: readonly string[]): Command {
  if (argv.some((a) => a === '--client-secret' || a.startsWith('--client-secret='))) {
    throw new UsageError(
      'the secret is never read from the command line (other users can see it): use "--client-secret-file" or CLIENT_SECRET',
    );
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals, tokens } = parsed;
  const [given, ...rest] = positionals;
  if (values.version) return { name: 'version', json: values.json };
  if (given === undefined) {
    if (values.help) return { name: 'help', topic: 'main', json: values.json };
    throw new UsageError('missing command: "token", "call" or "revoke"');
  }
  if (!COMMANDS.has(given as CommandName)) throw new UsageError(`unknown command "${given}"`);
  const name = given as CommandName;
  if (values.help) return { name: 'help', topic: name, json: values.json };
  if (values.dpop && name === 'revoke') throw new UsageError('"--dpop" is an option of "token" and "call" only');
  for (const token of tokens) {
    const command = token.kind === 'option' ? ONLY_FOR[token.name] : undefined;
    if (command !== undefined && command !== name) {
      throw new UsageError(`"--${token.kind === 'option' ? token.name : ''}" is an option of "${command}" only`);
    }
  }
  // A certificate authenticates the client unless another method is asked for explicitly.
  const methodGiven = tokens.some((t) => t.kind === 'option' && t.name === 'auth-method');
  const authMethod = !methodGiven && values.cert !== undefined ? 'tls_client_auth' : values['auth-method'];
  if (!AUTH_METHODS.has(authMethod as AuthMethod)) {
    throw new UsageError('"--auth-method" must be basic, post, private_key_jwt or tls_client_auth');
  }
  if ((values.cert === undefined) !== (values.key === undefined)) {
    throw new UsageError('"--cert" and "--key" go together');
  }
  if (authMethod === 'tls_client_auth' && values.cert === undefined) {
    throw new UsageError('"--auth-method tls_client_auth" needs "--cert" and "--key"');
  }
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new UsageError('"--timeout" must be a number of milliseconds');
  const common: CommonArgs = {
    issuer: values.issuer,
    tokenEndpoint: values['token-endpoint'],
    clientId: values['client-id'],
    scopes: values.scope.flatMap((s) => s.split(/\s+/)).filter(Boolean),
    authMethod: authMethod as AuthMethod,
    clientSecretFile: values['client-secret-file'],
    privateKeyFile: values['private-key-file'],
    kid: values.kid,
    certFile: values.cert,
    keyFile: values.key,
    caFile: values.ca,
    timeoutMs,
    allowInsecureHttp: values['allow-insecure-http'],
    json: values.json,
  };
  if (name === 'token') {
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    return { name, common, decode: values.decode, dpop: values.dpop };
  }
  if (name === 'revoke') {
    return {
      name,
      common,
      token: tokenInput(rest, values['token-file']),
      tokenTypeHint: values['token-type-hint'],
      revocationEndpoint: values['revocation-endpoint'],
    };
  }
  if (rest.length !== 1) throw new UsageError('"call" takes exactly one URL');
  return {
    name,
    common,
    url: rest[0] as string,
    dpop: values.dpop,
    method: values.method.toUpperCase(),
    data: values.data,
    headers: values.header.map(parseHeader),
    discover: values.discover,
  };
}

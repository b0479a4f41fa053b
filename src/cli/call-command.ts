/**
 * `call <url>`: calls a protected URL with a token and prints the status and body.
 */
import { Agent as HttpsAgent } from 'node:https';
import { ClientError, createBearerAxios, createTokenSource, discoverResource } from '../client/index.js';
import { urlProblem } from '../shared/url-policy.js';
import type { Command } from './args.js';
import { configure } from './configure.js';
import { certificateFor } from './credentials.js';
import type { Io } from './credentials.js';
import { EXIT, ExitError, UsageError } from './exit-codes.js';
import { bodyValue, formatBody, formatJson } from './output.js';

type CallCommand = Extract<Command, { name: 'call' }>;

function checkUrl(value: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`"${value}" is not a URL`);
  }
  // The same rule as every URL of the library: the token must not travel in clear.
  const problem = urlProblem(url, { allowInsecureHttp, insecureSwitch: '"--allow-insecure-http"' });
  if (problem !== undefined) throw new UsageError(`the URL ${problem}`);
  return url.href;
}

function contentTypeFor(data: string): string {
  try {
    JSON.parse(data);
    return 'application/json';
  } catch {
    return 'text/plain';
  }
}

/** The options with `--issuer` replaced by the first authorization server the API's metadata names. */
async function discoveredIssuer(common: CallCommand['common'], url: string): Promise<CallCommand['common']> {
  const found = await discoverResource(url, {
    timeoutMs: common.timeoutMs,
    allowInsecureHttp: common.allowInsecureHttp,
  });
  return { ...common, issuer: found.authorizationServers[0]! };
}

/** Runs `call` and returns what to print on stdout; throws {@link ExitError} when the API refuses. */
export async function runCall(command: CallCommand, io: Io): Promise<string> {
  const url = checkUrl(command.url, command.common.allowInsecureHttp);
  const common = command.discover ? await discoveredIssuer(command.common, url) : command.common;
  const headers = Object.fromEntries(command.headers);
  if (command.data !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = contentTypeFor(command.data);
  }
  const config = await configure(common, io);
  // The API is called over the certificate the token may be bound to (RFC 8705 §3).
  const certificate = await certificateFor(common);
  const httpsAgent = certificate === undefined ? undefined : new HttpsAgent({ ...certificate, keepAlive: false });
  const api = createBearerAxios(
    createTokenSource(config, { scopes: common.scopes, dpop: command.dpop }),
    {
      timeout: common.timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true },
      ...(httpsAgent === undefined ? {} : { httpsAgent }),
    },
    { allowInsecureHttp: common.allowInsecureHttp },
  );
  let response;
  try {
    response = await api.request<string>({ url, method: command.method, data: command.data, headers });
  } catch (error) {
    // axios's errors say so (`isAxiosError`); anything else, ours included, is not the API's failure.
    const failed = error as { isAxiosError?: unknown; code?: string };
    if (error instanceof ClientError || failed.isAxiosError !== true) throw error;
    const timedOut = failed.code === 'ETIMEDOUT' || failed.code === 'ECONNABORTED';
    throw new ExitError(
      timedOut
        ? `no answer from "${url}" within ${common.timeoutMs} ms`
        : `could not reach "${url}" (${failed.code ?? 'error'})`,
      EXIT.apiUnreachable,
    );
  }
  const body = typeof response.data === 'string' ? response.data : '';
  const output = common.json
    ? formatJson({ status: response.status, body: bodyValue(body) }, true)
    : `HTTP ${response.status} ${response.statusText}\n${formatBody(body)}`;
  if (response.status < 200 || response.status > 299) {
    throw new ExitError(`the API refused the request (HTTP ${response.status})`, EXIT.apiRefused, output);
  }
  return output;
}

/**
 * HTTP helpers for the guard's tests: serve an app on 127.0.0.1:0, send requests exactly as written (repeated
 * headers included), and assert the contract's answers (status, exact `WWW-Authenticate`, JSON body).
 */
import { expect } from '@jest/globals';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import { connect } from 'node:net';
import { listenOnLoopback } from './free-port.js';

/** A server listening on 127.0.0.1 and a port of the system's choice. */
export interface Served {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves a request listener (an Express 4 or 5 app) on 127.0.0.1:0. */
export async function serve(app: RequestListener): Promise<Served> {
  const { port, origin, close } = await listenOnLoopback(createServer(app));
  return { url: origin, port, close };
}

/** An answer, with its body parsed as JSON when it is JSON. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly body: unknown;
}

/** Options of {@link send}. A header given as an array is sent once per value, as written. */
export interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string;
}

/** Sends one request with `node:http` (no retries, no added credentials) and reads the whole answer. */
export function send(url: string, options: SendOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = undefined;
        if ((res.headers['content-type'] ?? '').includes('json')) body = JSON.parse(text);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Writes a raw HTTP/1.1 request on a plain socket and returns the raw answer (the connection is closed). */
export function sendRaw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(request);
  });
}

/** The status code of a raw HTTP answer. */
export function rawStatus(answer: string): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return match ? Number(match[1]) : 0;
}

/** RFC 6750 §3 attribute values cannot hold `"`: the guard writes `'` instead. */
function asAttribute(value: string): string {
  return value.replace(/"/g, "'");
}

/**
 * Asserts an answer of the contract's table: the status, the exact `WWW-Authenticate`, the JSON body. For
 * `unauthorized` (no credentials) the challenge is the bare `Bearer realm="…"`. Without `description`, the
 * header's `error_description` must still be present and equal the body's. With `resourceMetadata`, every
 * challenge ends with `resource_metadata="…"` (RFC 9728 §5.1).
 */
export function expectChallenge(
  response: HttpResponse,
  status: number,
  error: 'unauthorized' | 'invalid_request' | 'invalid_token' | 'insufficient_scope',
  description?: string,
  scope?: string,
  realm = 'myorg',
  resourceMetadata?: string,
): void {
  const challenge = response.headers['www-authenticate'];
  const metadata = resourceMetadata === undefined ? '' : `, resource_metadata="${resourceMetadata}"`;
  const body = response.body as { error?: unknown; error_description?: unknown } | undefined;
  expect({ status: response.status, error: body?.error }).toEqual({ status, error });
  expect(typeof body?.error_description).toBe('string');
  if (error === 'unauthorized') {
    expect(challenge).toBe(`Bearer realm="${realm}"${metadata}`);
    if (description !== undefined) expect(body?.error_description).toBe(description);
    return;
  }
  const actualDescription = String(body?.error_description);
  if (description !== undefined) expect(actualDescription).toBe(description);
  let expected = `Bearer realm="${realm}", error="${error}", error_description="${asAttribute(actualDescription)}"`;
  if (scope !== undefined) expected += `, scope="${scope}"`;
  expect(challenge).toBe(expected + metadata);
  expect(Object.keys(body ?? {}).sort()).toEqual(['error', 'error_description']);
}

/** Asserts the contract's 503: `Retry-After` in whole seconds, no challenge needed, `temporarily_unavailable`. */
export function expectUnavailable(response: HttpResponse, retryAfter?: number): void {
  const body = response.body as { error?: unknown; error_description?: unknown } | undefined;
  expect({ status: response.status, error: body?.error }).toEqual({ status: 503, error: 'temporarily_unavailable' });
  expect(response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  if (retryAfter !== undefined) expect(response.headers['retry-after']).toBe(String(retryAfter));
  expect(response.headers['www-authenticate']).toBeUndefined();
  expect(typeof body?.error_description).toBe('string');
}

/** Parses a raw HTTP/1.1 answer (not chunked) into the shape {@link send} returns. */
export function parseRaw(answer: string): HttpResponse {
  const end = answer.indexOf('\r\n\r\n');
  const head = answer.slice(0, end === -1 ? answer.length : end).split('\r\n');
  const text = end === -1 ? '' : answer.slice(end + 4);
  const headers: IncomingHttpHeaders = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = (headers['content-type'] ?? '').includes('json') ? (JSON.parse(text) as unknown) : undefined;
  return { status: rawStatus(answer), headers, text, body };
}

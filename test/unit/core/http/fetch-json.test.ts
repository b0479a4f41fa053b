import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { FetchFailedError, fetchJsonObject, type FetchLimits } from '../../../../src/core/http/fetch-json.js';
import { freePort, listenOnLoopback, type Listening } from '../../../helpers/free-port.js';

let server: Server;
let base: string;
let listening: Listening;
const NOT_LOOPBACK =
  'must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set';
const LIMITS: FetchLimits = { timeout: 200, maxResponseBytes: 1024, fetch: globalThis.fetch, allowInsecureHttp: false };

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
      case '/missing':
        return void res.writeHead(404).end('not here');
      case '/error':
        return void res.writeHead(500).end('boom');
      case '/text':
        return void res.writeHead(200).end('<html>');
      case '/array':
        return void res.writeHead(200).end('[1,2]');
      case '/big-declared':
        return void res.writeHead(200, { 'content-length': '2048' }).end(`{"a":"${'x'.repeat(2040)}"}`);
      case '/big-chunked':
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        for (let i = 0; i < 8; i++) res.write(i === 0 ? '{"a":"' : 'x'.repeat(300));
        return void res.end('"}');
      case '/hang':
        return; // never answers
      case '/hang-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.write('{"keys":'); // and never ends
      case '/redirect':
        return void res.writeHead(302, { location: '/ok' }).end();
      case '/echo': {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          const { method, headers } = req;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              method,
              contentType: headers['content-type'],
              authorization: headers.authorization,
              body,
            }),
          );
        });
        return;
      }
      default:
        res.writeHead(404).end();
    }
  });
  listening = await listenOnLoopback(server);
  base = listening.origin;
});

afterAll(async () => {
  await listening.close();
});

async function failure(path: string, limits: FetchLimits = LIMITS): Promise<FetchFailedError> {
  try {
    await fetchJsonObject(`${base}${path}`, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(FetchFailedError);
    return error as FetchFailedError;
  }
  throw new Error('expected a failure');
}

describe('fetchJsonObject', () => {
  test('returns a JSON object', async () => {
    await expect(fetchJsonObject(`${base}/ok`, LIMITS)).resolves.toEqual({ keys: [] });
  });

  test('does not follow a redirect: one could lead from https to plain http, or anywhere else', async () => {
    const error = await failure('/redirect');
    expect({ status: error.status, message: error.message }).toEqual({
      status: 302,
      message: `${base}/redirect answered a redirect (HTTP 302); redirects are not followed`,
    });
  });

  test.each([
    ['plain http to a host that is not loopback', 'http://127.0.0.1.nip.io/keys', `it ${NOT_LOOPBACK}`],
    ['a data: URL', 'data:application/json,{"keys":[]}', 'it must be an http(s) URL, not "data:"'],
    ['a file: URL', 'file:///etc/passwd', 'it must be an http(s) URL, not "file:"'],
    ['a URL with a password', 'https://user:pw@idp.example/keys', 'it must not contain a user name or password'],
  ])('refuses %s before any request, never repeating credentials', async (_what, url, reason) => {
    const asked: string[] = [];
    const recording: FetchLimits = {
      ...LIMITS,
      fetch: (async (input: string) => {
        asked.push(input);
        return new Response('{"keys":[]}');
      }) as typeof fetch,
    };
    const error = await fetchJsonObject(url, recording).then(
      () => undefined,
      (e: unknown) => e as FetchFailedError,
    );
    expect(error).toBeInstanceOf(FetchFailedError);
    expect(error?.message).toMatch(/^refusing to fetch /);
    expect(error?.message.endsWith(reason)).toBe(true);
    expect(error?.message).not.toContain('pw');
    expect(asked).toEqual([]);
  });

  test('fetches plain http from any host only with allowInsecureHttp', async () => {
    const asked: string[] = [];
    const recording: FetchLimits = {
      ...LIMITS,
      allowInsecureHttp: true,
      fetch: (async (input: string) => {
        asked.push(input);
        return new Response('{"keys":[]}');
      }) as typeof fetch,
    };
    await expect(fetchJsonObject('http://idp.internal/keys', recording)).resolves.toEqual({ keys: [] });
    expect(asked).toEqual(['http://idp.internal/keys']);
  });

  test('keeps the status of a 404 so that discovery can fall back', async () => {
    const error = await failure('/missing');
    expect({ status: error.status, message: error.message }).toEqual({
      status: 404,
      message: `${base}/missing answered HTTP 404`,
    });
  });

  test('fails on a 500', async () => {
    expect((await failure('/error')).message).toBe(`${base}/error answered HTTP 500`);
  });

  test('fails on a body that is not JSON', async () => {
    expect((await failure('/text')).message).toBe(`${base}/text did not answer JSON`);
  });

  test('fails on JSON that is not an object', async () => {
    expect((await failure('/array')).message).toBe(`${base}/array did not answer a JSON object`);
  });

  test('refuses a response whose declared length is over the cap', async () => {
    expect((await failure('/big-declared')).message).toBe(
      `response from ${base}/big-declared is larger than 1024 bytes`,
    );
  });

  test('refuses a chunked response once it grows past the cap', async () => {
    expect((await failure('/big-chunked')).message).toBe(`response from ${base}/big-chunked is larger than 1024 bytes`);
  });

  test('gives up on a server that never answers within the timeout', async () => {
    const error = await failure('/hang');
    expect(error.message).toBe(`${base}/hang timed out after 200 ms`);
    expect(error.cause).toBeDefined();
  });

  test('gives up on a body that never ends within the timeout', async () => {
    expect((await failure('/hang-body')).message).toBe(`${base}/hang-body timed out after 200 ms`);
  });

  test('fails on a refused connection, naming ECONNREFUSED', async () => {
    const url = `http://127.0.0.1:${await freePort()}/x`;
    let error: unknown;
    try {
      await fetchJsonObject(url, LIMITS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FetchFailedError);
    expect((error as Error).message).toBe(`${url} could not be fetched (ECONNREFUSED)`);
    expect((error as FetchFailedError).kind).toBe('ECONNREFUSED');
  });
});

describe('fetchJsonObject with a form POST', () => {
  const post = {
    headers: { authorization: 'Basic Y2xpZW50OnNlY3JldA==' },
    body: 'token=abc&token_type_hint=access_token',
  };

  test('posts the form with its headers and reads the JSON answer', async () => {
    await expect(fetchJsonObject(`${base}/echo`, LIMITS, post)).resolves.toEqual({
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded',
      authorization: 'Basic Y2xpZW50OnNlY3JldA==',
      body: 'token=abc&token_type_hint=access_token',
    });
  });

  test('does not follow a redirect, so the credentials never go to another URL', async () => {
    const error = await fetchJsonObject(`${base}/redirect`, LIMITS, post).then(
      () => undefined,
      (e: unknown) => e as FetchFailedError,
    );
    expect(error).toBeInstanceOf(FetchFailedError);
    expect({ status: error?.status, message: error?.message }).toEqual({
      status: 302,
      message: `${base}/redirect answered a redirect (HTTP 302); redirects are not followed`,
    });
  });

  test('fails on a 500 without naming the credentials', async () => {
    const error = await fetchJsonObject(`${base}/error`, LIMITS, post).then(
      () => undefined,
      (e: unknown) => e as FetchFailedError,
    );
    expect(error?.message).toBe(`${base}/error answered HTTP 500`);
    expect(JSON.stringify({ message: error?.message, cause: String(error?.cause) })).not.toContain('Y2xpZW50');
  });
});

/** mTLS-bound tokens (RFC 8705 §3) over a real TLS connection, with certificates made by openssl at test time. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuth } from '../../../../src/index.js';
import { parseForwardedCertificate } from '../../../../src/core/dpop/mtls.js';
import { startFakeProvider, type FakeProvider } from '../../../../src/testing/index.js';
import express from 'express';

interface Pair {
  readonly key: string;
  readonly cert: string;
  readonly thumbprint: string;
}

let dir: string;
let idp: FakeProvider;
let server: Server;
let headerServer: Server;
let serverPair: Pair;
let clientPair: Pair;
let otherPair: Pair;

function makePair(name: string): Pair {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
    ],
    { stdio: 'ignore' },
  );
  const pem = readFileSync(cert, 'utf8');
  const thumbprint = createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
  return { key: readFileSync(key, 'utf8'), cert: pem, thumbprint };
}

async function listen(app: express.Express): Promise<Server> {
  const tls = createServer(
    { key: serverPair.key, cert: serverPair.cert, requestCert: true, rejectUnauthorized: false },
    app,
  );
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  return tls;
}

function call(target: Server, token: string, pair?: Pair, headers: Record<string, string> = {}): Promise<number> {
  const { port } = target.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/private',
        ca: serverPair.cert,
        rejectUnauthorized: false,
        headers: { authorization: `Bearer ${token}`, ...headers },
        ...(pair ? { key: pair.key, cert: pair.cert } : {}),
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mtls-'));
  [serverPair, clientPair, otherPair] = ['server', 'client', 'other'].map(makePair) as [Pair, Pair, Pair];
  idp = await startFakeProvider();
  const app = express();
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api' });
  app.get('/api/private', auth.requireAuth(), (_req, res) => void res.json({ ok: true }));
  server = await listen(app);
  const proxied = express();
  const behindProxy = createAuth({
    issuer: idp.issuer,
    audience: 'test-api',
    mtls: { certificateHeader: 'X-Client-Cert' },
  });
  proxied.get('/api/private', behindProxy.requireAuth(), (_req, res) => void res.json({ ok: true }));
  headerServer = await listen(proxied);
});
afterAll(async () => {
  await Promise.all([server, headerServer].map((s) => new Promise((resolve) => s.close(resolve))));
  await idp.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a certificate-bound token', () => {
  test('passes with the certificate it is bound to, over the TLS connection', async () => {
    const token = await idp.mint({ cnf: { 'x5t#S256': clientPair.thumbprint } });
    expect(await call(server, token, clientPair)).toBe(200);
  });

  test('is refused with another certificate, and with none', async () => {
    const token = await idp.mint({ cnf: { 'x5t#S256': clientPair.thumbprint } });
    expect(await call(server, token, otherPair)).toBe(401);
    expect(await call(server, token)).toBe(401);
  });

  test('a plain token still passes over mTLS', async () => {
    expect(await call(server, await idp.mint(), clientPair)).toBe(200);
  });

  test('behind a trusted proxy, the named header carries the certificate (URL-encoded PEM)', async () => {
    const token = await idp.mint({ cnf: { 'x5t#S256': clientPair.thumbprint } });
    const forwarded = { 'x-client-cert': encodeURIComponent(clientPair.cert) };
    expect(await call(headerServer, token, undefined, forwarded)).toBe(200);
    // the connection's own certificate does not count when a header is named
    expect(await call(headerServer, token, clientPair)).toBe(401);
    expect(await call(headerServer, token, undefined, { 'x-client-cert': encodeURIComponent(otherPair.cert) })).toBe(
      401,
    );
  });
});

describe('parseForwardedCertificate', () => {
  test('reads Envoy XFCC, URL-encoded PEM, PEM folded on one line and base64 DER; refuses garbage', () => {
    const der = new X509Certificate(clientPair.cert).raw;
    const body = clientPair.cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    expect(
      parseForwardedCertificate(`By=spiffe://a;Hash=x;Cert="${encodeURIComponent(clientPair.cert)}";Subject=""`),
    ).toEqual(der);
    expect(parseForwardedCertificate(encodeURIComponent(clientPair.cert))).toEqual(der);
    expect(parseForwardedCertificate(clientPair.cert.replace(/\n/g, ' '))).toEqual(der);
    expect(parseForwardedCertificate(body)).toEqual(der);
    expect(parseForwardedCertificate('not a certificate')).toBeUndefined();
    expect(parseForwardedCertificate('%E0%A4%A')).toBeUndefined();
    expect(parseForwardedCertificate('AAAA')).toBeUndefined();
  });
});

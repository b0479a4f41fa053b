/**
 * An identity provider on 127.0.0.1 whose JWKS endpoint misbehaves on demand: slow, hanging, trickling,
 * 500, a redirect loop or a redirect elsewhere, 50 MB streamed, garbage, or any body a test writes (keys of the
 * wrong use or alg, private keys, duplicate kids). Discovery always answers, so every fault is the JWKS's own;
 * a test may add or replace members of its document (another `jwks_uri`, an `introspection_endpoint`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { JWK } from 'jose';
import { listenOnLoopback } from '../helpers/free-port.js';

/** How the JWKS endpoint answers. */
export type JwksFault =
  | { readonly kind: 'ok' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'trickle'; readonly intervalMs: number }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'redirect-loop' }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'huge'; readonly bytes: number; readonly declareLength: boolean }
  | { readonly kind: 'body'; readonly body: string | Buffer; readonly contentType?: string };

/** The provider and what its JWKS endpoint went through. */
export interface FaultyProvider {
  readonly issuer: string;
  /** The keys served while the fault is `ok`. */
  keys: JWK[];
  fault: JwksFault;
  /** Members added to (or replacing those of) the discovery document `{ issuer, jwks_uri }`. */
  discovery: Record<string, unknown>;
  /** JWKS requests received, redirect hops included. */
  readonly requests: { jwks: number };
  /** Body bytes written for JWKS answers (the 50 MB fault stops writing when the client hangs up). */
  readonly bytesSent: { jwks: number };
  /** 50 MB answers the client hung up on before they were complete. */
  readonly abandoned: { jwks: number };
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x20); // 64 KiB of spaces: valid leading JSON whitespace, never ending

/** Writes `total` bytes in 64 KiB chunks, honouring back-pressure, until done or the client hangs up. */
function stream(res: ServerResponse, total: number, sent: { jwks: number }, abandoned: { jwks: number }): void {
  let left = total;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= chunk.length;
      sent.jwks += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (left === 0 && !res.destroyed) res.end();
  };
  res.on('close', () => {
    res.removeListener('drain', pump);
    if (left > 0) abandoned.jwks++;
  });
  pump();
}

/** Starts a provider for realm `faulty` on 127.0.0.1:0, serving `keys` until told otherwise. */
export async function startFaultyProvider(keys: JWK[]): Promise<FaultyProvider> {
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  const base = '/realms/faulty';
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === `${base}/.well-known/openid-configuration`) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ issuer: provider.issuer, jwks_uri: `${provider.issuer}/certs`, ...provider.discovery }));
      return;
    }
    if (path !== `${base}/certs`) return void res.writeHead(404).end();
    provider.requests.jwks++;
    const fault = provider.fault;
    const json = JSON.stringify({ keys: provider.keys });
    switch (fault.kind) {
      case 'ok':
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(json);
      case 'slow':
        return later(fault.delayMs, () => res.writeHead(200, { 'content-type': 'application/json' }).end(json));
      case 'hang':
        return;
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        let i = 0;
        const drip = () => {
          if (res.destroyed || i >= json.length) return void res.end();
          res.write(json[i++]!);
          later(fault.intervalMs, drip);
        };
        return drip();
      }
      case 'status':
        return void res.writeHead(fault.status, { 'content-type': 'text/plain' }).end('down');
      case 'redirect-loop': {
        const hop = Number(new URL(req.url ?? '', 'http://x').searchParams.get('hop') ?? 0);
        return void res.writeHead(302, { location: `${base}/certs?hop=${(hop + 1) % 2}` }).end();
      }
      case 'redirect':
        return void res.writeHead(302, { location: fault.location }).end();
      case 'huge':
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(fault.declareLength ? { 'content-length': String(fault.bytes) } : {}),
        });
        return stream(res, fault.bytes, provider.bytesSent, provider.abandoned);
      case 'body':
        return void res.writeHead(200, { 'content-type': fault.contentType ?? 'application/json' }).end(fault.body);
    }
  });
  const listening = await listenOnLoopback(server);
  const provider: FaultyProvider = {
    issuer: `${listening.origin}${base}`,
    keys,
    fault: { kind: 'ok' },
    discovery: {},
    requests: { jwks: 0 },
    bytesSent: { jwks: 0 },
    abandoned: { jwks: 0 },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await listening.close();
    },
  };
  return provider;
}

/** Bytes that are neither JSON nor text: what a broken proxy or a wrong port might send. */
export function garbage(size = 4096): Buffer {
  return randomBytes(size);
}

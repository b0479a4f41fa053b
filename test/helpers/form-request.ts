/**
 * Reading what a client sends to the fake providers of the tests: the request body, and HTTP Basic client
 * credentials.
 */
import type { IncomingMessage } from 'node:http';

/** The whole request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Decodes an RFC 6749 §2.3.1 Basic credential: base64 of form-encoded id ":" form-encoded secret. */
export function decodeBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic (.+)$/i.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
}

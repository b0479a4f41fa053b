/**
 * `token`: prints an access token, or its decoded header and claims.
 */
import { clientCredentialsGrant, createDpopKey } from '../client/index.js';
import type { Command } from './args.js';
import { configure } from './configure.js';
import type { Io } from './credentials.js';
import { EXIT, ExitError } from './exit-codes.js';
import { formatJson } from './output.js';

type TokenCommand = Extract<Command, { name: 'token' }>;

/** One JSON object part of a compact JWS, decoded as it is: `--decode` shows a token, it never verifies one. */
function decodePart(part: string | undefined): Record<string, unknown> {
  if (part === undefined || !/^[\w-]+$/.test(part)) throw new TypeError('not base64url');
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('not an object');
  return value as Record<string, unknown>;
}

function decode(token: string): { header: unknown; claims: unknown } {
  const parts = token.split('.');
  try {
    if (parts.length !== 3) throw new TypeError('not three parts');
    return { header: decodePart(parts[0]), claims: decodePart(parts[1]) };
  } catch {
    throw new ExitError('the access token is not a JWT, so "--decode" cannot show its claims', EXIT.failure);
  }
}

/** Runs `token` and returns what to print on stdout. */
export async function runToken(command: TokenCommand, io: Io): Promise<string> {
  const { common } = command;
  const config = await configure(common, io);
  // With --dpop the key lives only in this process: the token is shown for inspection (its cnf.jkt), not reuse.
  const dpop = command.dpop ? { dpop: createDpopKey() } : {};
  const token = await clientCredentialsGrant(config, { scopes: common.scopes, ...dpop });
  const decoded = command.decode ? decode(token.token) : undefined;
  if (common.json) {
    return formatJson(
      {
        access_token: token.token,
        token_type: token.tokenType,
        expires_in: token.expiresIn ?? null,
        expires_at: token.expiresAt === undefined ? null : new Date(token.expiresAt).toISOString(),
        scope: token.scopes.join(' '),
        ...decoded,
      },
      true,
    );
  }
  return decoded === undefined ? token.token : formatJson(decoded, false);
}

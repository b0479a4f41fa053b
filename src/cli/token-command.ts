/**
 * `token`: prints an access token, or its decoded header and claims.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { clientCredentialsGrant } from '../../src/client/index.js';
import type { Command } from './args.js';
import { configure } from './configure.js';
import type { Io } from './credentials.js';
import { EXIT, ExitError } from './exit-codes.js';
import { formatJson } from './output.js';

type TokenCommand = Extract<Command, { name: 'token' }>;

function decode(token: string): { header: unknown; claims: unknown } {
  try {
    return { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch {
    throw new ExitError('the access token is not a JWT, so "--decode" cannot show its claims', EXIT.failure);
  }
}

/** Runs `token` and returns what to print on stdout. */
export async function runToken(command: TokenCommand, io: Io): Promise<string> {
  const { common } = command;
  const config = await configure(common, io);
  const token = await clientCredentialsGrant(config, { scopes: common.scopes });
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

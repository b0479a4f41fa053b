/**
 * `revoke [<token>]`: revokes a token at the provider's revocation endpoint (RFC 7009).
 */
import { readFile } from 'node:fs/promises';
import { revokeToken } from '../client/index.js';
import type { Command, TokenInput } from './args.js';
import { configure } from './configure.js';
import type { Io } from './credentials.js';
import { UsageError } from './exit-codes.js';
import { formatJson } from './output.js';

type RevokeCommand = Extract<Command, { name: 'revoke' }>;

async function readStdin(stdin: NodeJS.ReadStream): Promise<string> {
  let text = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) text += chunk as string;
  return text;
}

/** The token to revoke, without surrounding whitespace; a terminal on stdin is never waited on. */
async function readToken(input: TokenInput, io: Io): Promise<string> {
  let token: string;
  if (input.from === 'argument') {
    io.notice('a token on the command line is visible to other users of this machine; prefer "--token-file" or stdin');
    token = input.value;
  } else if (input.from === 'file') {
    try {
      token = await readFile(input.path, 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read "--token-file" ${input.path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  } else {
    if (io.stdin.isTTY) throw new UsageError('no token: give it as an argument, with "--token-file", or on stdin');
    token = await readStdin(io.stdin);
  }
  token = token.trim();
  if (token === '' || /\s/.test(token)) throw new UsageError('the token to revoke must be one non-empty word');
  return token;
}

/** Runs `revoke` and returns what to print on stdout. */
export async function runRevoke(command: RevokeCommand, io: Io): Promise<string> {
  const { common } = command;
  const token = await readToken(command.token, io);
  const config = await configure(common, io, command.revocationEndpoint);
  if (config.revocationEndpoint === undefined) {
    throw new UsageError('the discovery document names no "revocation_endpoint": give "--revocation-endpoint"');
  }
  await revokeToken(config, token, command.tokenTypeHint === undefined ? {} : { tokenTypeHint: command.tokenTypeHint });
  if (common.json) return formatJson({ revoked: true, revocation_endpoint: config.revocationEndpoint }, true);
  return `revoked at ${config.revocationEndpoint}`;
}

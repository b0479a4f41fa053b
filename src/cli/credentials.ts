/**
 * Where the CLI gets the client's credentials: a secret from a file, the environment, the demo's documented
 * development default, or a prompt without echo; or a private key file for private_key_jwt.
 * Never from argv: other users of the machine can read a process's arguments.
 */
import { readFile } from 'node:fs/promises';
import { createPrivateKey } from 'node:crypto';
import { clientSecretBasic, clientSecretPost, privateKeyJwt, tlsClientAuth } from '../client/index.js';
import type { ClientAuth, ClientCertificate } from '../client/index.js';
import { isLoopbackHost } from '../shared/url-policy.js';
import type { CommonArgs } from './args.js';
import { DEFAULT_CLIENT_ID } from './args.js';
import { UsageError } from './exit-codes.js';

/**
 * The demo realm's development secret for `test_api_client` (see keycloak/README.md). Used only for that client
 * on a loopback issuer, when no other secret is given. Not a secret anywhere else.
 */
export const DEMO_DEV_SECRET = 'test_api_client_dev_secret';

/** The process streams and environment the CLI uses, injectable for clarity. */
export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadStream;
  readonly stderr: NodeJS.WriteStream;
  /** Prints a one-line notice for humans (silent with --json). */
  readonly notice: (message: string) => void;
}

function isLoopbackUrl(value: string): boolean {
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return false;
  }
}

async function readOptionFile(option: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read "${option}" ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string, io: Io): Promise<string> {
  const { stdin, stderr } = io;
  stdin.setRawMode(true); // before the prompt: input typed as soon as it shows must not be echoed
  stdin.setEncoding('utf8');
  stdin.resume();
  stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error === undefined) resolve(value);
      else reject(error);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003' || char === '\u0004') return done(new UsageError('no client secret entered'));
        value = char === '\u007f' || char === '\b' ? value.slice(0, -1) : value + char;
      }
    };
    stdin.on('data', onData);
  });
}

async function secretFor(args: CommonArgs, io: Io): Promise<string> {
  let secret: string | undefined;
  if (args.clientSecretFile !== undefined) {
    secret = (await readOptionFile('--client-secret-file', args.clientSecretFile)).replace(/\r?\n$/, '');
    if (secret === '') throw new UsageError(`"--client-secret-file" ${args.clientSecretFile} is empty`);
  } else if (io.env['CLIENT_SECRET'] !== undefined && io.env['CLIENT_SECRET'] !== '') {
    secret = io.env['CLIENT_SECRET'];
  } else if (args.clientId === DEFAULT_CLIENT_ID && isLoopbackUrl(args.tokenEndpoint ?? args.issuer)) {
    io.notice(`using the demo realm's documented development secret for "${DEFAULT_CLIENT_ID}"`);
    secret = DEMO_DEV_SECRET;
  } else if (io.stdin.isTTY && io.stderr.isTTY) {
    secret = await promptHidden(`client secret for "${args.clientId}": `, io);
  }
  if (secret === undefined || secret === '') {
    throw new UsageError(
      'no client secret: use "--client-secret-file", the CLIENT_SECRET environment variable, or run in a terminal to be asked',
    );
  }
  return secret;
}

async function keyFor(args: CommonArgs): Promise<ClientAuth> {
  if (args.privateKeyFile === undefined) {
    throw new UsageError('"--auth-method private_key_jwt" needs "--private-key-file" (PEM or JWK)');
  }
  const text = await readOptionFile('--private-key-file', args.privateKeyFile);
  const options = args.kid === undefined ? {} : { kid: args.kid };
  try {
    if (text.trimStart().startsWith('{')) return privateKeyJwt(JSON.parse(text) as Record<string, string>, options);
    return privateKeyJwt(createPrivateKey(text), options);
  } catch (error) {
    const reason = error instanceof TypeError ? error.message : 'not a PEM private key or a private JWK';
    throw new UsageError(`cannot use "--private-key-file" ${args.privateKeyFile}: ${reason}`);
  }
}

/** Builds the client authentication strategy the command line asks for. */
export async function clientAuthFor(args: CommonArgs, io: Io): Promise<ClientAuth> {
  switch (args.authMethod) {
    case 'basic':
      return clientSecretBasic(await secretFor(args, io));
    case 'post':
      return clientSecretPost(await secretFor(args, io));
    case 'private_key_jwt':
      return keyFor(args);
    case 'tls_client_auth':
      return tlsClientAuth();
  }
}

/** The TLS client certificate of `--cert`, `--key` and `--ca`, when given (mTLS, RFC 8705). */
export async function certificateFor(
  args: CommonArgs,
): Promise<(ClientCertificate & { cert: string; key: string; ca?: string }) | undefined> {
  if (args.certFile === undefined || args.keyFile === undefined) return undefined;
  const cert = await readOptionFile('--cert', args.certFile);
  const key = await readOptionFile('--key', args.keyFile);
  const ca = args.caFile === undefined ? undefined : await readOptionFile('--ca', args.caFile);
  return ca === undefined ? { cert, key } : { cert, key, ca };
}

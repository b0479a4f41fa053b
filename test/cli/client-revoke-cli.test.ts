// `npm run client -- revoke` as a process: where the token comes from, what is printed, and the exit codes.
import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientCredentialsGrant, clientSecretBasic, discovery } from '../../src/client/index.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { startTestProvider } from '../helpers/token-endpoint-server.js';
import type { TestProvider } from '../helpers/token-endpoint-server.js';

jest.setTimeout(30_000);

const SECRET = 'cli secret: do not print';

const run = runCli;

/** A port on 127.0.0.1 where nothing listens. */
const closedPort = freePort;

describe('client CLI revoke', () => {
  let provider: TestProvider;
  let dir: string;
  let original: Record<string, unknown>;
  const env = { CLIENT_SECRET: SECRET };
  const common = () => ['--issuer', provider.issuer, '--client-id', 'cli_client'];
  const tokenOf = async (clientId = 'cli_client', secret = SECRET) =>
    (
      await clientCredentialsGrant(
        await discovery({ issuer: provider.issuer, clientId, clientAuth: clientSecretBasic(secret) }),
      )
    ).token;

  beforeAll(async () => {
    provider = await startTestProvider([
      { clientId: 'cli_client', secret: SECRET, allowedScopes: ['test_api_access'] },
      { clientId: 'other_client', secret: 'other-secret', allowedScopes: ['test_api_access'] },
    ]);
    original = { ...provider.metadata };
    dir = await mkdtemp(join(tmpdir(), 'client-revoke-cli-'));
  });
  afterAll(async () => {
    await provider.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    Object.assign(provider.metadata, original);
    provider.revocationRequests.length = 0;
    provider.revocationOverride = undefined;
  });

  test('prints the usage of revoke and the exit codes with --help, exit 0', async () => {
    const result = await run(['revoke', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: bearer-guard revoke \[<token> \| -\] \[options\]/);
    expect(result.stdout).toContain('--token-file <path>');
    expect(result.stdout).toContain('4  credentials refused');
  });

  test('lists revoke among the commands of the main --help', async () => {
    expect((await run(['--help'])).stdout).toContain('revoke [<token>]  revoke a token at the provider (RFC 7009)');
  });

  test('revokes the token given as an argument, says where, and warns that argv is visible', async () => {
    const token = await tokenOf();
    const result = await run(['revoke', token, ...common()], { env });
    expect(result).toMatchObject({ code: 0, stdout: `revoked at ${provider.revocationEndpoint}\n` });
    expect(result.stderr).toBe(
      'note: a token on the command line is visible to other users of this machine; prefer "--token-file" or stdin\n',
    );
    expect(provider.isRevoked(token)).toBe(true);
    expect(provider.revocationRequests[0]?.authMethod).toBe('client_secret_basic');
  });

  test('reads the token from --token-file, trailing newline and all', async () => {
    const token = await tokenOf();
    const file = join(dir, 'token.txt');
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    const result = await run(['revoke', '--token-file', file, ...common()], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(provider.isRevoked(token)).toBe(true);
  });

  test.each([[['revoke', '-']], [['revoke']]])('reads the token from stdin with %j', async (args) => {
    const token = await tokenOf();
    const result = await run([...args, ...common()], { env, stdin: `${token}\n` });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(provider.isRevoked(token)).toBe(true);
  });

  test('prints one JSON document with --json and sends --token-type-hint', async () => {
    const token = await tokenOf();
    const result = await run(['revoke', '--json', '--token-type-hint', 'access_token', ...common()], {
      env,
      stdin: token,
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({ revoked: true, revocation_endpoint: provider.revocationEndpoint });
    expect(provider.revocationRequests[0]?.form.get('token_type_hint')).toBe('access_token');
  });

  test('uses --revocation-endpoint when discovery names none, and exits 2 without it', async () => {
    delete provider.metadata['revocation_endpoint'];
    const token = await tokenOf();
    const refused = await run(['revoke', ...common()], { env, stdin: token });
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toContain(
      'error: the discovery document names no "revocation_endpoint": give "--revocation-endpoint"\n',
    );
    expect(provider.revocationRequests).toHaveLength(0);
    const result = await run(['revoke', '--revocation-endpoint', provider.revocationEndpoint, ...common()], {
      env,
      stdin: token,
    });
    expect(result.code).toBe(0);
    expect(provider.isRevoked(token)).toBe(true);
  });

  test('exits 4 with the OAuth error when the credentials are refused, printing neither the secret nor the token', async () => {
    const token = await tokenOf();
    const result = await run(['revoke', ...common()], { env: { CLIENT_SECRET: `${SECRET}!` }, stdin: token });
    expect(result).toMatchObject({
      code: 4,
      stdout: '',
      stderr:
        'error: the revocation endpoint refused the request with "invalid_client": Invalid client or Invalid client credentials\n',
    });
    expect(result.stdout + result.stderr).not.toContain(token);
    expect(provider.isRevoked(token)).toBe(false);
  });

  test("exits 4 with unauthorized_client for another client's token, as JSON with --json", async () => {
    const token = await tokenOf('other_client', 'other-secret');
    const result = await run(['revoke', '--json', ...common()], { env, stdin: token });
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stderr)).toMatchObject({
      error: { exit_code: 4, code: 'ERR_OAUTH', oauth_error: 'unauthorized_client' },
    });
  });

  test('exits 3 when the revocation endpoint answers 503', async () => {
    provider.revocationOverride = () => ({ status: 503, body: '' });
    const result = await run(['revoke', ...common()], { env, stdin: 'some-token' });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`error: unexpected HTTP status 503 from "${provider.revocationEndpoint}"\n`);
  });

  test('exits 3 when the provider is unreachable', async () => {
    const issuer = `http://127.0.0.1:${await closedPort()}/realms/none`;
    const result = await run(['revoke', '--issuer', issuer], { env, stdin: 'some-token' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `error: could not reach "${issuer}/.well-known/openid-configuration" (ECONNREFUSED)\n`,
    );
  });

  it.each<[string, string[], string]>([
    ['no token at all', ['revoke'], 'error: the token to revoke must be one non-empty word'],
    [
      'a token both as argument and file',
      ['revoke', 'abc', '--token-file', '/nonexistent'],
      'error: give the token as an argument or with "--token-file", not both',
    ],
    ['two tokens', ['revoke', 'abc', 'def'], 'error: "revoke" takes at most one token'],
    [
      'an unreadable token file',
      ['revoke', '--token-file', '/nonexistent/token'],
      'error: cannot read "--token-file" /nonexistent/token (ENOENT)',
    ],
    [
      '--token-file on another command',
      ['token', '--token-file', 'x'],
      'error: "--token-file" is an option of "revoke" only',
    ],
    [
      'a hint that is not a type name',
      ['revoke', 'abc', '--token-type-hint', 'access token'],
      'error: "tokenTypeHint" must be a token type name such as "access_token" or "refresh_token"',
    ],
  ])('exits 2 on %s, sending nothing', async (_case, args, message) => {
    const result = await run([...args, ...common()], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${message}\n`);
    expect(provider.revocationRequests).toHaveLength(0);
  });
});

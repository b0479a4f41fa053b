import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, runCli, TSX, type CliRun } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { startTestProvider } from '../helpers/token-endpoint-server.js';
import type { TestProvider } from '../helpers/token-endpoint-server.js';

jest.setTimeout(30_000);

const SECRET = 'cli secret: do not print';
const DEV_SECRET = 'test_api_client_dev_secret';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

const run = (args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> => runCli(args, { env });

/** A port on 127.0.0.1 where nothing listens. */
const closedPort = freePort;

describe('client CLI', () => {
  let provider: TestProvider;
  let dir: string;
  let secretFile: string;
  let keyFile: string;
  let issuerArgs: string[];
  beforeAll(async () => {
    provider = await startTestProvider([
      { clientId: 'test_api_client', secret: DEV_SECRET, allowedScopes: ['test_api_access'] },
      { clientId: 'cli_client', secret: SECRET, allowedScopes: ['test_api_access', 'email', 'profile'] },
      { clientId: 'jwt_client', publicKey: keys.publicKey, allowedScopes: ['test_api_access'] },
    ]);
    dir = await mkdtemp(join(tmpdir(), 'client-cli-'));
    secretFile = join(dir, 'secret.txt');
    keyFile = join(dir, 'key.pem');
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
    await writeFile(keyFile, keys.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    issuerArgs = ['--issuer', provider.issuer];
  });
  afterAll(async () => {
    await provider.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    provider.tokenRequests.length = 0;
    provider.apiRequests.length = 0;
  });

  describe('help', () => {
    test.each([[[]], [['token']], [['call']]])(
      'prints usage and the exit codes for %j --help, exit 0',
      async (command) => {
        const result = await run([...command, '--help']);
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(/^Usage: bearer-guard /);
        expect(result.stdout).toContain('4  credentials refused');
      },
    );
  });

  describe('token', () => {
    test('prints only the access token, with the secret taken from CLIENT_SECRET', async () => {
      const result = await run(['token', ...issuerArgs, '--client-id', 'cli_client'], { CLIENT_SECRET: SECRET });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      expect(provider.tokenRequests[0]).toMatchObject({ authMethod: 'client_secret_basic' });
      expect(provider.tokenRequests[0]?.form.get('scope')).toBe('test_api_access');
    });

    test('takes the secret from --client-secret-file and sends it with --auth-method post', async () => {
      const args = [
        'token',
        ...issuerArgs,
        '--client-id',
        'cli_client',
        '--client-secret-file',
        secretFile,
        '--auth-method',
        'post',
      ];
      const result = await run(args);
      expect(result.code).toBe(0);
      expect(provider.tokenRequests[0]?.form.get('client_secret')).toBe(SECRET);
    });

    test('authenticates with private_key_jwt from a PEM file', async () => {
      const args = [
        'token',
        ...issuerArgs,
        '--client-id',
        'jwt_client',
        '--auth-method',
        'private_key_jwt',
        '--private-key-file',
        keyFile,
        '--kid',
        'k1',
      ];
      const result = await run(args);
      expect(result.code).toBe(0);
      expect(provider.tokenRequests[0]).toMatchObject({
        authMethod: 'private_key_jwt',
        assertion: { iss: 'jwt_client' },
      });
    });

    test('prints the header and claims as JSON with --decode, asking for every --scope given', async () => {
      const args = [
        'token',
        '--decode',
        ...issuerArgs,
        '--client-id',
        'cli_client',
        '--scope',
        'profile',
        '--scope',
        'email',
      ];
      const result = await run(args, { CLIENT_SECRET: SECRET });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        header: { alg: 'ES256', typ: 'JWT' },
        claims: { azp: 'cli_client', scope: 'email profile', iss: provider.issuer },
      });
    });

    test('prints one JSON document with --json, and asks for no scope with --scope ""', async () => {
      const result = await run(['token', '--json', ...issuerArgs, '--client-id', 'cli_client', '--scope', ''], {
        CLIENT_SECRET: SECRET,
      });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: '' });
      expect(provider.tokenRequests[0]?.form.has('scope')).toBe(false);
    });

    test('asks for the secret on a terminal without echoing it', async () => {
      // script(1) (bsdutils, essential on Debian) gives the CLI a pseudo-terminal.
      const command = `${TSX} src/cli/main.ts token --issuer ${provider.issuer} --client-id cli_client`;
      const { CLIENT_SECRET: _ignored, ...env } = process.env;
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: ROOT,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.endsWith('client secret for "cli_client": ')) child.stdin.write(`${SECRET}\r`);
      });
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(output).toMatch(/^client secret for "cli_client": \r\n[\w-]+\.[\w-]+\.[\w-]+\r\n$/);
      expect(provider.tokenRequests[0]?.authMethod).toBe('client_secret_basic');
    });

    test('uses the documented demo development secret for test_api_client on a loopback issuer', async () => {
      const result = await run(['token', ...issuerArgs]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(`note: using the demo realm's documented development secret for "test_api_client"\n`);
    });

    test('exits 4 with the OAuth error when the credentials are refused, never printing the secret', async () => {
      const result = await run(['token', ...issuerArgs, '--client-id', 'cli_client'], { CLIENT_SECRET: `${SECRET}!` });
      expect(result.code).toBe(4);
      expect(result.stderr).toBe(
        'error: the token endpoint refused the request with "invalid_client": Invalid client or Invalid client credentials\n',
      );
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    });

    test('exits 4 with invalid_scope as JSON on stderr with --json', async () => {
      const result = await run(['token', '--json', ...issuerArgs, '--client-id', 'cli_client', '--scope', 'admin'], {
        CLIENT_SECRET: SECRET,
      });
      expect(result.code).toBe(4);
      expect(result.stdout).toBe('');
      expect(JSON.parse(result.stderr)).toEqual({
        error: {
          message: 'the token endpoint refused the request with "invalid_scope": Invalid scopes: admin',
          exit_code: 4,
          code: 'ERR_OAUTH',
          oauth_error: 'invalid_scope',
          oauth_error_description: 'Invalid scopes: admin',
        },
      });
    });

    test('exits 3 when the provider is unreachable', async () => {
      const issuer = `http://127.0.0.1:${await closedPort()}/realms/none`;
      const result = await run(['token', '--issuer', issuer], { CLIENT_SECRET: SECRET });
      expect(result.code).toBe(3);
      expect(result.stderr).toBe(
        `error: could not reach "${issuer}/.well-known/openid-configuration" (ECONNREFUSED)\n` +
          'hint: is the provider running? For the demo realm, start Keycloak with "npm run keycloak"\n',
      );
    });
  });

  describe('call', () => {
    const common = () => [...issuerArgs, '--client-id', 'cli_client'];

    test('calls the URL with a bearer token and prints the status and body, exit 0', async () => {
      const result = await run(['call', `${provider.origin}/api/echo`, ...common()], { CLIENT_SECRET: SECRET });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^HTTP 200 OK\n\{\n {2}"message": "hello from the test API"/);
      expect(provider.apiRequests[0]?.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    });

    test('sends --method, --data and --header, and prints JSON with --json', async () => {
      const args = [
        'call',
        `${provider.origin}/api/echo`,
        '--method',
        'post',
        '--data',
        '{"a":1}',
        '--header',
        'X-Trace: 42',
        '--json',
        ...common(),
      ];
      const result = await run(args, { CLIENT_SECRET: SECRET });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        status: 200,
        body: { message: 'hello from the test API', method: 'POST', body: '{"a":1}' },
      });
      expect(provider.apiRequests[0]?.headers).toMatchObject({ 'x-trace': '42', 'content-type': 'application/json' });
    });

    test('exits 5 when the API refuses, still printing its answer', async () => {
      const result = await run(['call', `${provider.origin}/api/forbidden`, ...common()], { CLIENT_SECRET: SECRET });
      expect(result.code).toBe(5);
      expect(result.stdout).toMatch(/^HTTP 403 Forbidden\n/);
      expect(result.stderr).toBe('error: the API refused the request (HTTP 403)\n');
    });

    test('exits 6 when the API is unreachable', async () => {
      const url = `http://127.0.0.1:${await closedPort()}/api`;
      const result = await run(['call', url, ...common()], { CLIENT_SECRET: SECRET });
      expect(result.code).toBe(6);
      expect(result.stderr).toBe(`error: could not reach "${url}" (ECONNREFUSED)\n`);
    });
  });

  describe('usage errors exit 2 and send nothing', () => {
    it.each<[string, string[], string]>([
      [
        'no secret without a terminal',
        ['token', '--client-id', 'cli_client'],
        'error: no client secret: use "--client-secret-file", the CLIENT_SECRET environment variable, or run in a terminal to be asked',
      ],
      [
        'an unreadable secret file',
        ['token', '--client-secret-file', '/nonexistent/secret'],
        'error: cannot read "--client-secret-file" /nonexistent/secret (ENOENT)',
      ],
      [
        'a secret on the command line',
        ['token', '--client-secret', 'x'],
        'error: the secret is never read from the command line (other users can see it): use "--client-secret-file" or CLIENT_SECRET',
      ],
      ['an unknown command', ['tokens'], 'error: unknown command "tokens"'],
      ['an option of another command', ['token', '--data', 'x'], 'error: "--data" is an option of "call" only'],
      [
        'an unknown auth method',
        ['token', '--auth-method', 'mtls'],
        'error: "--auth-method" must be basic, post, private_key_jwt or tls_client_auth',
      ],
      [
        'private_key_jwt without a key',
        ['token', '--auth-method', 'private_key_jwt'],
        'error: "--auth-method private_key_jwt" needs "--private-key-file" (PEM or JWK)',
      ],
      [
        'a plain-http API on another host',
        ['call', 'http://api.example/x'],
        'error: the URL must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "--allow-insecure-http" is set',
      ],
      [
        'a plain-http API on a name that only looks local',
        ['call', 'http://127.0.0.1.nip.io/x'],
        'error: the URL must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "--allow-insecure-http" is set',
      ],
      ['a data: URL', ['call', 'data:text/plain,x'], 'error: the URL must be an http(s) URL, not "data:"'],
      [
        'an API URL with a password',
        ['call', 'https://u:pw@api.example/x'],
        'error: the URL must not contain a user name or password',
      ],
    ])('for %s', async (_title, args, message) => {
      const result = await run([...args, ...issuerArgs]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`${message}\nrun "bearer-guard --help" for usage\n`);
      expect(provider.tokenRequests).toHaveLength(0);
    });
  });
});

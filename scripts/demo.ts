// npm run demo: the seed scenario end to end on a fresh machine. Starts a real Keycloak (KEYCLOAK_URL, else
// Docker, else the native distribution, fetched once), the demo API (npm run server's code), runs the CLI client
// against every route, prints each answer, checks it, and stops everything it started.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { startKeycloak, type RunningKeycloak } from './keycloak/index.js';

interface Step {
  readonly title: string;
  readonly path: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly expected: number;
}

const STEPS: readonly Step[] = [
  {
    title: 'public route, no token needed',
    path: '/api/public',
    clientId: 'test_api_client',
    scopes: [],
    expected: 200,
  },
  { title: 'any valid token', path: '/api/private', clientId: 'test_api_client', scopes: [], expected: 200 },
  {
    title: 'token with scope test_api_access',
    path: '/api/private-scoped',
    clientId: 'test_api_client',
    scopes: ['test_api_access'],
    expected: 200,
  },
  {
    title: 'token without scope test_api_access',
    path: '/api/private-scoped',
    clientId: 'test_api_client',
    scopes: [],
    expected: 403,
  },
  {
    title: 'admin client (realm role admin)',
    path: '/api/admin',
    clientId: 'test_admin_client',
    scopes: [],
    expected: 200,
  },
  { title: 'non-admin client', path: '/api/admin', clientId: 'test_api_client', scopes: [], expected: 403 },
];

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function pickPort(preferred: number): Promise<number> {
  if (await portIsFree(preferred)) return preferred;
  console.log(`[demo] port ${preferred} is busy; using a free one`);
  return 0;
}

function startApi(issuer: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['dist-demo/demo/server.js'], {
    env: { ...process.env, ISSUER_URL: issuer, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        process.stdout.write(`[api] ${output.trim()}\n`);
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the demo API exited with ${code}:\n${output}`)));
  });
}

function runClient(step: Step, issuer: string, apiUrl: string): Promise<{ code: number; output: string }> {
  const args = [
    'node_modules/tsx/dist/cli.mjs',
    'src/cli/main.ts',
    'call',
    `${apiUrl}${step.path}`,
    '--issuer',
    issuer,
    '--client-id',
    step.clientId,
    '--scope',
    step.scopes.join(' '),
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, CLIENT_SECRET: `${step.clientId}_dev_secret` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code: code ?? 1, output: output.trim() })));
}

async function main(): Promise<number> {
  let keycloak: RunningKeycloak | undefined;
  let api: ChildProcess | undefined;
  const stopAll = async () => {
    api?.kill('SIGTERM');
    await keycloak?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().then(() => process.exit(130)));
  }
  try {
    console.log('[demo] building the demo API');
    execFileSync('npm', ['run', 'build:demo', '--silent'], { stdio: 'inherit' });
    keycloak = await startKeycloak({
      url: process.env['KEYCLOAK_URL'],
      port: await pickPort(8080),
      javaHome: process.env['JAVA_HOME'],
    });
    const issuer = keycloak.issuer('myorg');
    console.log(`[demo] Keycloak (${keycloak.mode}) ready, issuer ${issuer}`);
    const started = await startApi(issuer, await pickPort(50100));
    api = started.child;
    let failures = 0;
    for (const step of STEPS) {
      const { code, output } = await runClient(step, issuer, started.url);
      const status = Number(/HTTP (\d{3})/.exec(output)?.[1] ?? NaN);
      const ok = status === step.expected && (code === 0) === status < 300;
      if (!ok) failures++;
      const scopes = step.scopes.length > 0 ? step.scopes.join(' ') : '(none)';
      console.log(
        `\n${ok ? 'ok  ' : 'FAIL'} GET ${step.path} — ${step.title} [client ${step.clientId}, scope ${scopes}] → expected ${step.expected}`,
      );
      console.log(output.replace(/^/gm, '     '));
    }
    console.log(
      failures === 0 ? '\n[demo] every answer was as expected' : `\n[demo] ${failures} answer(s) were not as expected`,
    );
    return failures === 0 ? 0 : 1;
  } finally {
    console.log('[demo] stopping what it started');
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

// npm run keycloak -- start [--port 8080] [--hostname http://localhost:8080] [--detach] [--docker | --native] [--timeout 180]
// npm run keycloak -- stop | status
// Starts the project's Keycloak (realms from keycloak/) on 127.0.0.1: Docker when an engine answers, else the
// native distribution from Maven Central. KEYCLOAK_URL set means: use that one, start nothing.
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  discoveryUrl,
  startKeycloak,
  stopKeycloak,
  type RunningKeycloak,
  type KeycloakStartMode,
} from './keycloak/index.js';
import { readState, removeState, STATE_FILE, writeState } from './keycloak/state-file.js';

const USAGE = `usage: npm run keycloak -- start [--port 8080] [--hostname <url>] [--detach] [--docker | --native] [--timeout <s>]
       npm run keycloak -- stop
       npm run keycloak -- status`;

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(discoveryUrl(url, 'myorg'), { signal: AbortSignal.timeout(3000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

function describe(keycloak: RunningKeycloak): string {
  return [
    `Keycloak (${keycloak.mode}) at ${keycloak.url}`,
    `  issuer myorg:   ${keycloak.issuer('myorg')}`,
    `  issuer other:   ${keycloak.issuer('other')}`,
    `  admin console:  ${keycloak.url}/admin/ (${keycloak.admin.username} / ${keycloak.admin.password}, development only)`,
    `  health:         ${keycloak.url}/health/ready`,
  ].join('\n');
}

async function start(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8080' },
      detach: { type: 'boolean', default: false },
      docker: { type: 'boolean', default: false },
      native: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '180' },
      hostname: { type: 'string' },
    },
  });
  const previous = await readState();
  if (previous && (await answers(previous.state.url))) {
    console.error(`a Keycloak started here is already running at ${previous.state.url}: npm run keycloak -- stop`);
    return 1;
  }
  if (values.docker && values.native) throw new TypeError('choose one of --docker and --native');
  const mode: KeycloakStartMode = values.docker ? 'docker' : values.native ? 'native' : 'auto';
  const keycloak = await startKeycloak({
    url: process.env['KEYCLOAK_URL'],
    port: Number(values.port),
    mode,
    timeoutMs: Number(values.timeout) * 1000,
    hostname: values.hostname,
    javaHome: process.env['JAVA_HOME'],
  });
  console.log(describe(keycloak));
  if (keycloak.mode === 'external') return 0;
  if (values.detach) {
    await writeState({ state: keycloak.detach(), startedAt: new Date().toISOString() });
    console.log(`detached; stop it with: npm run keycloak -- stop   (state in ${STATE_FILE})`);
    return 0;
  }
  await writeState({ state: keycloak.state, owner: process.pid, startedAt: new Date().toISOString() });
  console.log('running in the foreground: Ctrl-C stops it');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of STOP_SIGNALS) process.on(name, () => resolve(name));
  });
  // From here on a second Ctrl-C (or the terminal closing) must not cut the stop short.
  for (const name of STOP_SIGNALS) process.on(name, () => console.error(`${name}: still stopping Keycloak`));
  console.error(`${signal}: stopping Keycloak`);
  await keycloak.stop();
  await removeState();
  console.error('Keycloak stopped');
  return 0;
}

async function stop(): Promise<number> {
  const record = await readState();
  if (!record) {
    console.log(
      process.env['KEYCLOAK_URL']
        ? 'KEYCLOAK_URL is set: nothing was started here'
        : 'no Keycloak started here: nothing to stop',
    );
    return 0;
  }
  if (record.owner !== undefined && record.owner !== process.pid && alive(record.owner)) {
    process.kill(record.owner, 'SIGTERM'); // the foreground CLI stops it and removes the state file
    while (alive(record.owner)) await sleep(200);
  } else {
    await stopKeycloak(record.state);
    await removeState();
  }
  console.log(`stopped the Keycloak at ${record.state.url}`);
  return 0;
}

async function status(): Promise<number> {
  const external = process.env['KEYCLOAK_URL'];
  const record = await readState();
  const url = external || record?.state.url || 'http://127.0.0.1:8080';
  const source = external
    ? 'KEYCLOAK_URL'
    : record
      ? `started here (${record.state.mode}, since ${record.startedAt})`
      : 'default port';
  const up = await answers(url);
  console.log(`${up ? 'running' : 'not running'}: ${url} [${source}]`);
  if (!up && record && !external) console.log(`stale state file ${STATE_FILE}: npm run keycloak -- stop clears it`);
  return up ? 0 : 1;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'start') return start(rest);
  if (command === 'stop') return stop();
  if (command === 'status') return status();
  console.error(USAGE);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

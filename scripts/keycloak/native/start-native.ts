// The native path: the pinned distribution under a supported JDK, `kc.sh start-dev --import-realm` in a
// throw-away home, on 127.0.0.1 only, with an in-memory database so every start imports the realms anew.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KEYCLOAK_VERSION } from '../constants.js';
import { withLock } from '../lock.js';
import { seconds } from '../progress.js';
import { lastLines } from '../run-command.js';
import type { KeycloakAdmin, KeycloakState } from '../types.js';
import { waitForRealm } from '../wait-ready.js';
import { ensureDistribution, versionDir } from './distribution.js';
import { findJdk } from './jdk.js';
import { groupAlive, killGroupOnExit, stopGroup } from './process-group.js';
import { createRunHome, recordPid } from './run-home.js';

/**
 * Build-time options: Keycloak rebuilds its server image (about 20 s) whenever these change, so they are
 * fixed, and the first start of a fresh distribution does that build once. Health checks are served on the
 * main port, so a run needs one port only.
 */
const BUILD_OPTIONS = ['--db=dev-mem', '--health-enabled=true', '--http-management-health-enabled=false'];
const PREPARED_MARKER = `.prepared-${Buffer.from(BUILD_OPTIONS.join(' ')).toString('base64url')}`;

export interface NativeOptions {
  readonly port: number;
  readonly realmFiles: readonly string[];
  readonly realm: string;
  readonly cacheDir: string;
  readonly javaHome: string | undefined;
  readonly timeoutMs: number;
  readonly admin: KeycloakAdmin;
  readonly hostname: string | undefined;
  readonly log: (line: string) => void;
}

/** A started native Keycloak: its state, `stop` and `detach`. */
export interface NativeKeycloak {
  readonly state: Extract<KeycloakState, { mode: 'native' }>;
  stop(): Promise<void>;
  detach(): void;
}

/** Starts Keycloak from the distribution and resolves once the realm answers. */
export async function startNative(options: NativeOptions): Promise<NativeKeycloak> {
  const jdk = findJdk(options.javaHome);
  options.log(`using Java ${jdk.major} at ${jdk.home} (${jdk.reason})`);
  const dist = await ensureDistribution({ cacheDir: options.cacheDir, javaHome: jdk.home, log: options.log });
  const marker = join(dist, PREPARED_MARKER);
  if (existsSync(marker)) return launch(dist, jdk.home, options);
  return withLock(
    join(versionDir(options.cacheDir), '.lock'),
    async () => {
      const first = !existsSync(marker);
      if (first) options.log('first start of this distribution: Keycloak builds its server image once (about 20 s more)');
      const keycloak = await launch(dist, jdk.home, options);
      if (first) await writeFile(marker, `${BUILD_OPTIONS.join(' ')}\n`);
      return keycloak;
    },
    () => options.log('waiting for another process that is preparing the Keycloak distribution'),
  );
}

async function launch(dist: string, javaHome: string, options: NativeOptions): Promise<NativeKeycloak> {
  const home = await createRunHome(dist, options.realmFiles);
  const logFile = join(home, 'keycloak.log');
  const url = `http://127.0.0.1:${options.port}`;
  const args = [
    join(home, 'bin', 'kc.sh'), 'start-dev', '--import-realm',
    '--http-host=127.0.0.1', `--http-port=${options.port}`, ...BUILD_OPTIONS,
    ...(options.hostname ? [`--hostname=${options.hostname}`, '--hostname-backchannel-dynamic=true'] : []),
  ];
  options.log(`starting Keycloak ${KEYCLOAK_VERSION} on ${url} (log: ${logFile})`);
  const out = openSync(logFile, 'a');
  const child = spawn('sh', args, {
    cwd: home,
    detached: true, // its own process group, so stop() reaches java too and Ctrl-C in a terminal does not
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      JAVA_HOME: javaHome,
      KC_BOOTSTRAP_ADMIN_USERNAME: options.admin.username,
      KC_BOOTSTRAP_ADMIN_PASSWORD: options.admin.password,
    },
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) {
    await rm(home, { recursive: true, force: true });
    throw new Error('could not start sh for Keycloak');
  }
  await recordPid(home, pid);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ? `killed by ${signal}` : `exit code ${code}`;
  });
  const cancelExitKill = killGroupOnExit(pid);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      cancelExitKill();
      await stopGroup(pid);
      await rm(home, { recursive: true, force: true });
    })();
    return stopping;
  };
  try {
    const elapsed = await waitForRealm({
      url,
      realm: options.realm,
      timeoutMs: options.timeoutMs,
      log: options.log,
      failed: () => exited,
      logTail: async () => lastLines(await readFile(logFile, 'utf8')),
    });
    options.log(`ready at ${url} after ${seconds(elapsed)} s`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    state: { mode: 'native', url, hostname: options.hostname, pid, home, logFile },
    stop,
    detach: () => {
      cancelExitKill();
      child.unref();
    },
  };
}

/** Stops a native Keycloak started by another process (the CLI's `stop`). */
export async function stopNativeState(state: Extract<KeycloakState, { mode: 'native' }>): Promise<void> {
  if (groupAlive(state.pid)) await stopGroup(state.pid);
  await rm(state.home, { recursive: true, force: true });
}

// The native path: the pinned distribution under a supported JDK, `kc.sh start-dev --import-realm` in a
// throw-away home (its own copy of the prepared database), listening on 127.0.0.1 only.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KEYCLOAK_VERSION } from '../constants.js';
import { seconds } from '../progress.js';
import type { KeycloakState, LaunchedKeycloak, LaunchOptions } from '../types.js';
import { waitForRealm } from '../wait-ready.js';
import { ensureDbTemplate, runDbFile } from './db-template.js';
import { ensureDistribution, versionDir } from './distribution.js';
import { findJdk } from './jdk.js';
import { groupAlive, stopGroup } from './process-group.js';
import { spawnKc } from './kc-process.js';
import { createRunHome } from './run-home.js';

export interface NativeOptions extends LaunchOptions {
  readonly cacheDir: string;
  readonly javaHome: string | undefined;
}

/** A started native Keycloak: its state, `stop` and `detach`. */
export type NativeKeycloak = LaunchedKeycloak<'native'>;

export async function startNative(options: NativeOptions): Promise<NativeKeycloak> {
  const jdk = findJdk(options.javaHome);
  options.log(`using Java ${jdk.major} at ${jdk.home} (${jdk.reason})`);
  const dist = await ensureDistribution({ cacheDir: options.cacheDir, javaHome: jdk.home, log: options.log });
  const template = await ensureDbTemplate({
    versionDir: versionDir(options.cacheDir),
    dist,
    javaHome: jdk.home,
    admin: options.admin,
    timeoutMs: options.timeoutMs,
    log: options.log,
  });
  const home = await createRunHome(dist, options.realmFiles);
  await mkdir(dirname(runDbFile(home)), { recursive: true });
  await copyFile(template, runDbFile(home));
  const url = `http://127.0.0.1:${options.port}`;
  const kc = await spawnKc({
    home,
    javaHome: jdk.home,
    port: options.port,
    admin: options.admin,
    extraArgs: [
      '--import-realm',
      ...(options.hostname ? [`--hostname=${options.hostname}`, '--hostname-backchannel-dynamic=true'] : []),
    ],
  }).catch(async (error: unknown) => {
    await rm(home, { recursive: true, force: true });
    throw error;
  });
  options.log(`starting Keycloak ${KEYCLOAK_VERSION} on ${url} (log: ${kc.logFile})`);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await kc.stop();
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
      failed: kc.exited,
      logTail: kc.logTail,
    });
    options.log(`ready at ${url} after ${seconds(elapsed)} s`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    state: { mode: 'native', url, hostname: options.hostname, pid: kc.pid, home, logFile: kc.logFile },
    stop,
    detach: kc.detach,
  };
}

/** Stops a native Keycloak started by another process (the CLI's `stop`). */
export async function stopNativeState(state: Extract<KeycloakState, { mode: 'native' }>): Promise<void> {
  if (groupAlive(state.pid)) await stopGroup(state.pid);
  await rm(state.home, { recursive: true, force: true });
}

// The Docker path: the image quay.io/keycloak/keycloak:<KEYCLOAK_VERSION> (the official one, pulled when
// missing; where no registry is reachable, a look-alike built under that name by
// .ci/container/build-keycloak-image.sh), `start-dev --import-realm`, realm files mounted read-only into
// /opt/keycloak/data/import, host networking (no bridge network), listening on 127.0.0.1 only.
import { spawn, spawnSync } from 'node:child_process';
import type { Socket } from 'node:net';
import { basename } from 'node:path';
import { KEYCLOAK_IMAGE } from './constants.js';
import { dockerEngineUnavailable } from './docker-engine.js';
import { KeycloakUnavailableError } from './errors.js';
import { heartbeat, seconds } from './progress.js';
import { findOnPath, lastLines, runCommand } from './run-command.js';
import type { KeycloakAdmin, KeycloakState, LaunchedKeycloak, LaunchOptions } from './types.js';
import { waitForRealm } from './wait-ready.js';

export type DockerOptions = LaunchOptions;

export type DockerKeycloak = LaunchedKeycloak<'docker'>;

/** Why the Docker path cannot be used (no docker command, or no engine answers), or undefined when it can. */
export async function dockerUnavailable(): Promise<string | undefined> {
  if (findOnPath('docker') === undefined) return 'no docker command on PATH';
  const reason = await dockerEngineUnavailable(process.env['DOCKER_HOST']);
  if (reason === undefined) return undefined;
  // A docker context (or anything else only the CLI knows about) may still reach an engine.
  const info = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 }).catch(
    (error: Error) => ({ code: -1, output: error.message }),
  );
  return info.code === 0 ? undefined : reason;
}

/** The container options shared with the testcontainers setup (environment of the official image). */
export function keycloakContainerEnv(port: number, admin: KeycloakAdmin, hostname?: string): Record<string, string> {
  return {
    ...(hostname ? { KC_HOSTNAME: hostname, KC_HOSTNAME_BACKCHANNEL_DYNAMIC: 'true' } : {}),
    KC_HTTP_PORT: String(port),
    KC_HTTP_HOST: '127.0.0.1',
    KC_DB: 'dev-mem',
    KC_HEALTH_ENABLED: 'true',
    KC_HTTP_MANAGEMENT_HEALTH_ENABLED: 'false',
    KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
    KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    // C1 only, as on the native path (native/kc-process.ts): a short-lived dev server boots on about a third
    // less CPU without the C2 compiler. kc.sh appends it to the JVM's options.
    JAVA_OPTS_APPEND: '-XX:TieredStopAtLevel=1',
  };
}

/** Where the official image imports realm files from. */
export const CONTAINER_IMPORT_DIR = '/opt/keycloak/data/import';

async function removeContainer(name: string): Promise<void> {
  await runCommand('docker', ['stop', '--time', '20', name]);
  await runCommand('docker', ['rm', '--force', '--volumes', name]);
}

/** Runs the official image and resolves once the realm answers. */
export async function startDocker(options: DockerOptions): Promise<DockerKeycloak> {
  const reason = await dockerUnavailable();
  if (reason !== undefined) throw new KeycloakUnavailableError(`no Docker engine: ${reason}`);
  const name = `bearer-guard-keycloak-${options.port}`;
  const url = `http://127.0.0.1:${options.port}`;
  const env = Object.entries(keycloakContainerEnv(options.port, options.admin, options.hostname)).flatMap(
    ([key, value]) => ['--env', `${key}=${value}`],
  );
  const mounts = options.realmFiles.flatMap((file) => [
    '--volume',
    `${file}:${CONTAINER_IMPORT_DIR}/${basename(file)}:ro`,
  ]);
  await runCommand('docker', ['rm', '--force', name]); // a stopped leftover of a crashed run
  // Present (pulled earlier, or built without a registry by .ci/container/build-keycloak-image.sh) or not.
  const present = (await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', KEYCLOAK_IMAGE])).code === 0;
  options.log(
    `starting ${KEYCLOAK_IMAGE} as container ${name} on the host network ` +
      (present ? '(image present)' : '(image not present: pulling it first)'),
  );
  const done = heartbeat(options.log, `starting container ${name}`);
  const run = await runCommand('docker', [
    'run', '--detach', '--name', name, '--network', 'host', ...env, ...mounts, KEYCLOAK_IMAGE, 'start-dev', '--import-realm',
  ]);
  done();
  if (run.code !== 0) throw new Error(`docker run ${KEYCLOAK_IMAGE} failed (exit ${run.code}):\n${lastLines(run.output)}`);
  let exited: string | undefined;
  const watcher = spawn('docker', ['wait', name], { stdio: ['ignore', 'pipe', 'ignore'] });
  watcher.stdout.on('data', (chunk: Buffer) => {
    exited = `the container exited with code ${chunk.toString().trim()}`;
  });
  watcher.unref(); // the watcher alone must not keep this process alive
  (watcher.stdout as Socket).unref();
  const removeOnExit = (): void => {
    spawnSync('docker', ['rm', '--force', name], { stdio: 'ignore' });
  };
  process.once('exit', removeOnExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', removeOnExit);
      await removeContainer(name);
      watcher.kill();
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
      logTail: async () => lastLines((await runCommand('docker', ['logs', '--tail', '30', name])).output),
    });
    options.log(`ready at ${url} after ${seconds(elapsed)} s`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    state: { mode: 'docker', url, hostname: options.hostname, container: name },
    stop,
    detach: () => {
      process.removeListener('exit', removeOnExit);
      watcher.kill();
    },
  };
}

/** Stops a container started by another process (the CLI's `stop`). */
export function stopDockerState(state: Extract<KeycloakState, { mode: 'docker' }>): Promise<void> {
  return removeContainer(state.container);
}

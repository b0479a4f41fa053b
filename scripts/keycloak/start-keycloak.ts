// startKeycloak(): the one entry point for the CLI, the demo, jest's global setup and the bench. It uses the
// Keycloak it is pointed at, or starts one: with Docker when an engine answers, else from the distribution.
import { DEFAULT_ADMIN, DEFAULT_CACHE_DIR, DEFAULT_REALM, KEYCLOAK_VERSION } from './constants.js';
import { dockerUnavailable, startDocker, stopDockerState } from './docker.js';
import { KeycloakUnavailableError } from './errors.js';
import { startNative, stopNativeState } from './native/start-native.js';
import { assertPortFree, freePort } from './ports.js';
import { stderrLog } from './progress.js';
import { realmFiles } from './realm-files.js';
import type { KeycloakState, RunningKeycloak, StartKeycloakOptions } from './types.js';
import { waitForRealm } from './wait-ready.js';

const MODES = new Set(['auto', 'docker', 'native']);

const DEFAULTS = {
  mode: 'auto',
  port: 8080,
  realm: DEFAULT_REALM,
  cacheDir: DEFAULT_CACHE_DIR,
  timeoutMs: 180_000,
  admin: DEFAULT_ADMIN,
  log: stderrLog,
} as const;

function validate(options: StartKeycloakOptions): void {
  const { port, timeoutMs, mode, url } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new TypeError('"port" must be an integer from 0 to 65535');
  }
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new TypeError('"timeoutMs" must be a positive number');
  }
  if (mode !== undefined && !MODES.has(mode)) throw new TypeError('"mode" must be "auto", "docker" or "native"');
  if (url !== undefined && url !== '' && !URL.canParse(url)) throw new TypeError('"url" must be a URL');
  const { hostname } = options;
  if (hostname !== undefined && !/^https?:\/\/[^/]+$/.test(hostname)) {
    throw new TypeError('"hostname" must be a URL with scheme, host and optional port only, e.g. http://localhost:8080');
  }
}

/**
 * Starts Keycloak (or uses the one at `options.url`) and resolves once `options.realm` answers.
 *
 * @example
 * const keycloak = await startKeycloak({ url: process.env.KEYCLOAK_URL, port: 0 });
 * const issuer = keycloak.issuer('myorg'); // http://127.0.0.1:<port>/realms/myorg
 * await keycloak.stop();
 */
export async function startKeycloak(options: StartKeycloakOptions = {}): Promise<RunningKeycloak> {
  validate(options);
  const o = { ...DEFAULTS, ...options };
  const admin = o.admin;
  if (o.url) {
    const url = o.url.replace(/\/+$/, '');
    o.log(`using the Keycloak at ${url} (KEYCLOAK_URL): starting nothing`);
    await waitForRealm({ url, realm: o.realm, timeoutMs: o.timeoutMs, log: o.log, failed: () => undefined, logTail: async () => '' });
    return running({ mode: 'external', url, hostname: o.hostname }, admin, async () => {}, () => {});
  }
  const files = o.realmFiles ?? realmFiles();
  const port = o.port === 0 ? await freePort() : o.port;
  await assertPortFree(port);
  let mode = o.mode;
  let dockerNote = '';
  if (mode === 'auto') {
    const reason = await dockerUnavailable();
    mode = reason === undefined ? 'docker' : 'native';
    dockerNote = reason ?? '';
    o.log(`Keycloak ${KEYCLOAK_VERSION}: ${reason === undefined ? 'a Docker engine answers, using the official image' : `no Docker engine (${reason}), using the native distribution`}`);
  }
  const common = { port, realmFiles: files, realm: o.realm, timeoutMs: o.timeoutMs, admin, hostname: o.hostname, log: o.log };
  try {
    if (mode === 'docker') {
      const docker = await startDocker(common);
      return running(docker.state, admin, docker.stop, docker.detach);
    }
    const native = await startNative({ ...common, cacheDir: o.cacheDir, javaHome: o.javaHome });
    return running(native.state, admin, native.stop, native.detach);
  } catch (error) {
    if (error instanceof KeycloakUnavailableError && dockerNote) {
      throw new KeycloakUnavailableError(
        `cannot start Keycloak here: no Docker engine (${dockerNote}), and the native path is not possible: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}

function running(
  state: KeycloakState,
  admin: RunningKeycloak['admin'],
  stop: () => Promise<void>,
  detach: () => void,
): RunningKeycloak {
  return Object.freeze({
    url: state.url,
    mode: state.mode,
    admin,
    state,
    issuer: (realm: string = DEFAULT_REALM) => `${state.hostname ?? state.url}/realms/${realm}`,
    stop,
    detach: () => {
      detach();
      return state;
    },
  });
}

/** Stops a Keycloak described by `state` (e.g. read back from the CLI's pid file). */
export async function stopKeycloak(state: KeycloakState): Promise<void> {
  if (state.mode === 'docker') await stopDockerState(state);
  else if (state.mode === 'native') await stopNativeState(state);
}

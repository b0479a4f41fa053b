// Which Keycloak the integration suite runs against, decided once in jest's global setup:
//   1. KEYCLOAK_URL, when set: that Keycloak, nothing started;
//   2. testcontainers (the official image) when a Docker engine answers;
//   3. else the native distribution through scripts/keycloak (startKeycloak).
// KEYCLOAK_TEST_PATH=testcontainers|native forces a path. The suite never skips itself: when no Keycloak can be
// had, global setup throws and the run fails. Tests read the result with keycloakUnderTest().
import {
  DEFAULT_ADMIN,
  DEFAULT_REALM,
  KEYCLOAK_VERSION,
  dockerEngineUnavailable,
  startKeycloak,
  waitForRealm,
  type KeycloakAdmin,
} from '../../scripts/keycloak/index.js';
import { startContainerKeycloak } from './testcontainers-keycloak.js';

/** How the suite got its Keycloak. */
export type KeycloakSource = 'KEYCLOAK_URL' | 'testcontainers' | 'native';

const SOURCES: ReadonlySet<string> = new Set(['KEYCLOAK_URL', 'testcontainers', 'native']);

/** Environment variables through which global setup hands the Keycloak to the test files (and their workers). */
export const URL_VARIABLE = 'KEYCLOAK_TEST_URL';
export const SOURCE_VARIABLE = 'KEYCLOAK_TEST_SOURCE';

export interface AcquiredKeycloak {
  readonly url: string;
  readonly source: KeycloakSource;
  release(): Promise<void>;
}

export interface KeycloakUnderTest {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly source: KeycloakSource;
  /** Master-realm administrator (development only). */
  readonly admin: KeycloakAdmin;
  /** The issuer of a realm, as Keycloak names it for requests to `url`. */
  issuer(realm?: string): string;
  /** The token endpoint of a realm. */
  tokenEndpoint(realm?: string): string;
}

const log = (line: string): void => {
  process.stderr.write(`[keycloak] ${line}\n`);
};

/** Finds or starts the suite's Keycloak (global setup); throws when none can be had. */
export async function acquireKeycloak(env: NodeJS.ProcessEnv = process.env): Promise<AcquiredKeycloak> {
  const external = env['KEYCLOAK_URL'];
  if (external) {
    const url = external.replace(/\/+$/, '');
    await waitForRealm({
      url,
      realm: DEFAULT_REALM,
      timeoutMs: 60_000,
      log,
      failed: () => undefined,
      logTail: async () => '',
    });
    return announce({ url, source: 'KEYCLOAK_URL', release: async () => {} });
  }
  const forced = env['KEYCLOAK_TEST_PATH'];
  if (forced !== undefined && forced !== 'testcontainers' && forced !== 'native') {
    throw new TypeError('"KEYCLOAK_TEST_PATH" must be "testcontainers" or "native"');
  }
  const noEngine =
    forced === 'native' ? 'KEYCLOAK_TEST_PATH=native' : await dockerEngineUnavailable(env['DOCKER_HOST']);
  if (forced === 'testcontainers' || noEngine === undefined) {
    const container = await startContainerKeycloak(log);
    return announce({ url: container.url, source: 'testcontainers', release: container.stop });
  }
  log(`not using testcontainers (${noEngine}): starting the native Keycloak ${KEYCLOAK_VERSION} distribution`);
  const keycloak = await startKeycloak({ mode: 'native', port: 0, javaHome: env['JAVA_HOME'], log });
  return announce({ url: keycloak.url, source: 'native', release: keycloak.stop });
}

function announce(acquired: AcquiredKeycloak): AcquiredKeycloak {
  log(`integration suite runs against Keycloak ${KEYCLOAK_VERSION} via ${acquired.source} at ${acquired.url}`);
  return acquired;
}

declare global {
  // Set by setUpKeycloak(), read by tearDownKeycloak(): jest runs global setup and teardown in one context.
  var __bearerGuardKeycloak: AcquiredKeycloak | undefined;
}

/** jest globalSetup: gets the suite its Keycloak and hands it to the test files through the environment. */
export async function setUpKeycloak(): Promise<void> {
  const keycloak = await acquireKeycloak();
  globalThis.__bearerGuardKeycloak = keycloak;
  process.env[URL_VARIABLE] = keycloak.url; // jest passes its environment on to the workers
  process.env[SOURCE_VARIABLE] = keycloak.source;
}

/** jest globalTeardown: stops the Keycloak that global setup started, if any. */
export async function tearDownKeycloak(): Promise<void> {
  const keycloak = globalThis.__bearerGuardKeycloak;
  globalThis.__bearerGuardKeycloak = undefined;
  if (keycloak === undefined) return;
  await keycloak.release();
  if (keycloak.source !== 'KEYCLOAK_URL') log(`stopped (${keycloak.source})`);
}

/** The Keycloak chosen by global setup; throws (the test fails, never skips) when global setup did not run. */
export function keycloakUnderTest(env: NodeJS.ProcessEnv = process.env): KeycloakUnderTest {
  const url = env[URL_VARIABLE];
  const source = env[SOURCE_VARIABLE];
  if (!url || !source || !SOURCES.has(source)) {
    throw new Error(
      `no Keycloak for the integration suite: ${URL_VARIABLE} is not set. Run it through jest's integration ` +
        'project, whose globalSetup is test/integration/global-setup.ts.',
    );
  }
  return Object.freeze({
    url,
    source: source as KeycloakSource,
    admin: DEFAULT_ADMIN,
    issuer: (realm: string = DEFAULT_REALM) => `${url}/realms/${realm}`,
    tokenEndpoint: (realm: string = DEFAULT_REALM) => `${url}/realms/${realm}/protocol/openid-connect/token`,
  });
}

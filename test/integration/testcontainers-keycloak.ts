// The integration suite's container path: the official Keycloak image through testcontainers, realm files
// copied in, host networking (no bridge network), ready once the realm's discovery document answers.
import { basename } from 'node:path';
import {
  CONTAINER_IMPORT_DIR,
  DEFAULT_ADMIN,
  DEFAULT_REALM,
  KEYCLOAK_IMAGE,
  freePort,
  keycloakContainerEnv,
  realmFiles,
  waitForRealm,
} from '../../scripts/keycloak/index.js';

export interface ContainerKeycloak {
  readonly url: string;
  stop(): Promise<void>;
}

/** Loads testcontainers only on this path: the native path must not depend on it. */
async function loadTestcontainers(): Promise<typeof import('testcontainers')> {
  try {
    return await import('testcontainers');
  } catch (error) {
    throw new Error(
      `testcontainers cannot be loaded on Node ${process.versions.node}: ${(error as Error).message} ` +
        '(its releases from 12.0.2 on need undici 8, and so Node 22)',
      { cause: error },
    );
  }
}

/** Starts Keycloak in a container; `log` gets progress lines. */
export async function startContainerKeycloak(log: (line: string) => void): Promise<ContainerKeycloak> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  log(`starting ${KEYCLOAK_IMAGE} with testcontainers (host network, port ${port})`);
  const container = await new GenericContainer(KEYCLOAK_IMAGE)
    .withNetworkMode('host')
    .withEnvironment(keycloakContainerEnv(port, DEFAULT_ADMIN))
    .withCopyFilesToContainer(
      realmFiles().map((source) => ({ source, target: `${CONTAINER_IMPORT_DIR}/${basename(source)}`, mode: 0o644 })),
    )
    .withCommand(['start-dev', '--import-realm'])
    .withWaitStrategy(Wait.forLogMessage(/Listening on: http/))
    .withStartupTimeout(240_000)
    .start();
  const stop = async (): Promise<void> => {
    await container.stop({ timeout: 20_000 });
  };
  try {
    await waitForRealm({
      url,
      realm: DEFAULT_REALM,
      timeoutMs: 60_000,
      log,
      failed: () => undefined,
      logTail: async () => '',
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

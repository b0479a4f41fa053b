// The integration suite's container path: the Keycloak image (quay.io/keycloak/keycloak:<KEYCLOAK_VERSION>, the
// official one where it can be pulled, a locally built one where it is present) through testcontainers, realm
// files copied in, host networking (no bridge network, nothing published: Keycloak listens on 127.0.0.1:<port>
// of the host itself, the port given by KC_HTTP_PORT), ready once the realm's discovery document answers there.
//
// Every container this starts is stopped and removed by stop() (jest's global teardown), or by testcontainers
// itself when it never got ready: CI runs with TESTCONTAINERS_RYUK_DISABLED=true (the reaper's image cannot be
// pulled there), so nothing else would clean up after us.
import type { BoundPorts, WaitStrategy } from 'testcontainers';
import { basename } from 'node:path';
import {
  CONTAINER_IMPORT_DIR,
  DEFAULT_ADMIN,
  DEFAULT_REALM,
  KEYCLOAK_IMAGE,
  discoveryUrl,
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
  // The container shares the host's network, so its host is this machine's loopback. Said outright because
  // testcontainers otherwise looks for one when it believes it runs in a container (/.dockerenv): the gateway
  // of the engine's `bridge` network (a private-range address, and absent from an engine run with
  // --bridge=none, which fails the start: "no such network - network bridge not found"), else a pulled alpine.
  process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
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

type DockerContainer = Parameters<WaitStrategy['waitUntilReady']>[0];

/** The text of `docker logs --tail` (the stream is multiplexed: 8-byte frame headers, as the container has no TTY). */
async function containerLogTail(container: DockerContainer, lines = 30): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length && (raw[offset] === 1 || raw[offset] === 2)) {
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return (offset === 0 ? raw : Buffer.concat(chunks)).toString('utf8').trimEnd();
}

/**
 * Ready when `GET http://127.0.0.1:<port>/realms/<realm>/.well-known/openid-configuration` answers 200 (the realm
 * is imported then). testcontainers' own HTTP strategy cannot be used: it asks for the port's host binding,
 * and under host networking there is none. Gives up at once, with the log's tail, when the container exits.
 */
class RealmDiscoveryWaitStrategy implements WaitStrategy {
  private startupTimeoutMs = 240_000;
  private startupTimeoutSet = false;

  constructor(
    private readonly url: string,
    private readonly realm: string,
    private readonly log: (line: string) => void,
  ) {}

  async waitUntilReady(container: DockerContainer, _boundPorts: BoundPorts): Promise<void> {
    let exited: string | undefined;
    let watching = true;
    const watch = (async () => {
      while (watching && exited === undefined) {
        const state = await container.inspect().then(
          (info) => info.State,
          () => undefined,
        );
        if (state !== undefined && !state.Running) exited = `the container exited with code ${state.ExitCode}`;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();
    try {
      await waitForRealm({
        url: this.url,
        realm: this.realm,
        timeoutMs: this.startupTimeoutMs,
        log: this.log,
        failed: () => exited,
        logTail: () => containerLogTail(container),
      });
    } finally {
      watching = false;
      await watch;
    }
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    this.startupTimeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.startupTimeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}

/** Starts Keycloak in a container on the host's network; `log` gets progress lines. */
export async function startContainerKeycloak(log: (line: string) => void): Promise<ContainerKeycloak> {
  const { GenericContainer } = await loadTestcontainers();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  log(`starting ${KEYCLOAK_IMAGE} with testcontainers (host network, Keycloak on 127.0.0.1:${port})`);
  const started = Date.now();
  const container = await new GenericContainer(KEYCLOAK_IMAGE)
    .withNetworkMode('host')
    .withEnvironment(keycloakContainerEnv(port, DEFAULT_ADMIN))
    .withCopyFilesToContainer(
      realmFiles().map((source) => ({ source, target: `${CONTAINER_IMPORT_DIR}/${basename(source)}`, mode: 0o644 })),
    )
    .withCommand(['start-dev', '--import-realm'])
    .withLabels({ 'org.bearer-guard.role': 'integration-keycloak' })
    .withWaitStrategy(new RealmDiscoveryWaitStrategy(url, DEFAULT_REALM, log))
    .withStartupTimeout(240_000)
    .start();
  log(
    `container ${container.getName().replace(/^\//, '')} ready after ${((Date.now() - started) / 1000).toFixed(1)} s: ${discoveryUrl(url, DEFAULT_REALM)}`,
  );
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    // Stopped and removed (testcontainers' default), with its anonymous volumes: nothing is left in the engine.
    stopping ??= container.stop({ timeout: 20_000, remove: true, removeVolumes: true }).then(() => undefined);
    return stopping;
  };
  return { url, stop };
}

// The Keycloak server distribution from Maven Central: fetched once with mvn (it lands in ~/.m2 too), unpacked
// once into the cache folder, shared by every later run.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KEYCLOAK_DIST_ARTIFACT, KEYCLOAK_VERSION } from '../constants.js';
import { KeycloakUnavailableError } from '../errors.js';
import { withLock } from '../lock.js';
import { heartbeat, seconds } from '../progress.js';
import { findOnPath, lastLines, runCommand } from '../run-command.js';

/** Pinned so the fetch does not depend on whichever plugin version mvn would resolve. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const ZIP_NAME = `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`;
const UNPACKED_MARKER = '.unpacked';

export interface DistributionOptions {
  readonly cacheDir: string;
  /** The chosen JDK, whose `jar` unpacks the zip when `unzip` is missing. */
  readonly javaHome: string;
  readonly log: (line: string) => void;
}

/** The folder holding everything for the pinned version (distribution, lock, markers). */
export function versionDir(cacheDir: string): string {
  return join(cacheDir, KEYCLOAK_VERSION);
}

/** The unpacked distribution (`bin/kc.sh`, `lib/`, …), fetched and unpacked first if needed. */
export async function ensureDistribution(options: DistributionOptions): Promise<string> {
  const root = versionDir(options.cacheDir);
  const dist = join(root, 'dist');
  if (existsSync(join(dist, UNPACKED_MARKER))) return dist;
  await mkdir(root, { recursive: true });
  return withLock(
    join(root, '.lock'),
    async () => {
      if (existsSync(join(dist, UNPACKED_MARKER))) return dist;
      const zip = await download(root, options.log);
      await unpack(zip, root, dist, options);
      await rm(join(root, 'download'), { recursive: true, force: true });
      return dist;
    },
    () => options.log('waiting for another process that is fetching or preparing the Keycloak distribution'),
  );
}

async function download(root: string, log: (line: string) => void): Promise<string> {
  const mvn = findOnPath('mvn');
  if (mvn === undefined) {
    throw new KeycloakUnavailableError(
      `mvn is not on PATH: it fetches the Keycloak distribution (${KEYCLOAK_DIST_ARTIFACT}) from Maven Central. ` +
        'Install Maven (apt-get install maven), or start a Docker engine, or set KEYCLOAK_URL to a running Keycloak.',
    );
  }
  const outputDir = join(root, 'download');
  const args = [
    '-B', '--no-transfer-progress', '-Dstyle.color=never', `${DEPENDENCY_PLUGIN}:copy`,
    `-Dartifact=${KEYCLOAK_DIST_ARTIFACT}`, `-DoutputDirectory=${outputDir}`,
  ];
  log(`fetching ${KEYCLOAK_DIST_ARTIFACT} (about 170 MB, once) with mvn ${args.join(' ')}`);
  const done = heartbeat(log, 'fetching the distribution with mvn', 10_000);
  const result = await runCommand(mvn, args, { cwd: root });
  const elapsed = done();
  const zip = join(outputDir, ZIP_NAME);
  if (result.code !== 0 || !existsSync(zip)) {
    throw new Error(`mvn could not fetch ${KEYCLOAK_DIST_ARTIFACT} (exit ${result.code}):\n${lastLines(result.output)}`);
  }
  log(`fetched in ${seconds(elapsed)} s (also kept in the local Maven repository)`);
  return zip;
}

async function unpack(zip: string, root: string, dist: string, options: DistributionOptions): Promise<void> {
  const target = join(root, `unpack-${process.pid}`);
  await rm(target, { recursive: true, force: true });
  await mkdir(target);
  const started = Date.now();
  const unzip = findOnPath('unzip');
  const jar = join(options.javaHome, 'bin', 'jar');
  let result;
  if (unzip !== undefined) {
    options.log('unpacking with unzip');
    result = await runCommand(unzip, ['-q', zip, '-d', target]);
  } else if (existsSync(jar)) {
    options.log(`unpacking with ${jar} (no unzip on PATH)`);
    result = await runCommand(jar, ['xf', zip], { cwd: target });
  } else {
    throw new KeycloakUnavailableError(`cannot unpack ${zip}: neither unzip nor the JDK's jar tool is there (apt-get install unzip)`);
  }
  const unpacked = join(target, `keycloak-${KEYCLOAK_VERSION}`);
  if (result.code !== 0 || !existsSync(join(unpacked, 'bin', 'kc.sh'))) {
    throw new Error(`unpacking ${zip} failed (exit ${result.code}):\n${lastLines(result.output)}`);
  }
  await rm(dist, { recursive: true, force: true });
  await rename(unpacked, dist);
  await rm(target, { recursive: true, force: true });
  await writeFile(join(dist, UNPACKED_MARKER), `${new Date().toISOString()}\n`);
  options.log(`unpacked in ${seconds(Date.now() - started)} s into ${dist}`);
}

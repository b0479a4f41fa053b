// A prepared database, made once per distribution: Keycloak started on an empty dev-file database (creating
// its schema and the master realm with the bootstrap admin), then stopped, and the H2 file kept. Each run
// starts from a copy, which saves the schema creation and master-realm set-up (about a third of a boot) while
// still importing the project's realms anew. Making it is also the distribution's first start, when Keycloak
// builds its server image for BUILD_OPTIONS.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from '../lock.js';
import { freePort } from '../ports.js';
import { seconds } from '../progress.js';
import type { KeycloakAdmin } from '../types.js';
import { waitForRealm } from '../wait-ready.js';
import { BUILD_OPTIONS, spawnKc } from './kc-process.js';
import { createRunHome } from './run-home.js';

const DB_FILE = 'keycloakdb.mv.db';

export interface DbTemplateOptions {
  readonly versionDir: string;
  readonly dist: string;
  readonly javaHome: string;
  readonly admin: KeycloakAdmin;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

/** Where a run's dev-file database lives inside its home. */
export function runDbFile(home: string): string {
  return join(home, 'data', 'h2', DB_FILE);
}

/** The prepared database file for these build options and administrator, made first if needed. */
export async function ensureDbTemplate(options: DbTemplateOptions): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify([BUILD_OPTIONS, options.admin])).digest('hex').slice(0, 12);
  const dir = join(options.versionDir, `db-template-${key}`);
  const file = join(dir, DB_FILE);
  if (existsSync(file)) return file;
  return withLock(
    join(options.versionDir, '.lock'),
    async () => {
      if (!existsSync(file)) await makeTemplate(dir, options);
      return file;
    },
    () => options.log('waiting for another process that is preparing the Keycloak distribution'),
  );
}

async function makeTemplate(dir: string, options: DbTemplateOptions): Promise<void> {
  options.log('preparing the distribution once: Keycloak builds its server image and an empty database (about 40 s)');
  const home = await createRunHome(options.dist, []);
  const port = await freePort();
  const kc = await spawnKc({ home, javaHome: options.javaHome, port, admin: options.admin, extraArgs: [] });
  try {
    const elapsed = await waitForRealm({
      url: `http://127.0.0.1:${port}`,
      realm: 'master',
      timeoutMs: options.timeoutMs + 60_000,
      log: options.log,
      failed: kc.exited,
      logTail: kc.logTail,
    });
    await kc.stop(); // a clean shutdown closes the H2 file
    const staging = `${dir}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await copyFile(runDbFile(home), join(staging, DB_FILE));
    await rename(staging, dir);
    options.log(`prepared in ${seconds(elapsed)} s`);
  } finally {
    await kc.stop();
    await rm(home, { recursive: true, force: true });
  }
}

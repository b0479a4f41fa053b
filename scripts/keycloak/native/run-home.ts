// A throw-away Keycloak home per run: kc.sh copied (it derives the home from its own path), the shared
// distribution's lib/, conf/, themes/ and providers/ linked, and a fresh data/ with the realm files in
// data/import. So every run imports the realms anew and concurrent runs never share state.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { groupAlive } from './process-group.js';

const SHARED = ['lib', 'conf', 'themes', 'providers'];
const PREFIX = 'bearer-guard-keycloak-';
const PID_FILE = 'keycloak.pid';

/** Creates the run's home folder and returns its path. */
export async function createRunHome(dist: string, realmFiles: readonly string[]): Promise<string> {
  await sweepLeftovers();
  const home = await mkdtemp(join(tmpdir(), PREFIX));
  await mkdir(join(home, 'bin'));
  await copyFile(join(dist, 'bin', 'kc.sh'), join(home, 'bin', 'kc.sh'));
  for (const name of SHARED) await symlink(join(dist, name), join(home, name));
  const imports = join(home, 'data', 'import');
  await mkdir(imports, { recursive: true });
  for (const file of realmFiles) await copyFile(file, join(imports, basename(file)));
  return home;
}

/** Records the process group running in `home`, so a later run can tell a leftover from a live home. */
export function recordPid(home: string, pid: number): Promise<void> {
  return writeFile(join(home, PID_FILE), `${pid}\n`);
}

/** Removes homes left behind by runs that were killed before they could clean up. */
async function sweepLeftovers(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(PREFIX))) {
    const home = join(tmpdir(), name);
    const pid = Number(await readFile(join(home, PID_FILE), 'utf8').catch(() => ''));
    const stale = pid > 0 ? !groupAlive(pid) : Date.now() - (await stat(home).then((s) => s.mtimeMs, () => 0)) > 3_600_000;
    if (stale) await rm(home, { recursive: true, force: true });
  }
}

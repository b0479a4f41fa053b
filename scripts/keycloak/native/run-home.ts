// A throw-away Keycloak home per run: kc.sh copied (it derives the home from its own path), the shared
// distribution's lib/, conf/, themes/ and providers/ linked, and a fresh data/ with the realm files in
// data/import. So every run imports the realms anew and concurrent runs never share state.
import { copyFile, mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const SHARED = ['lib', 'conf', 'themes', 'providers'];

/** Creates the run's home folder and returns its path. */
export async function createRunHome(dist: string, realmFiles: readonly string[]): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'bearer-guard-keycloak-'));
  await mkdir(join(home, 'bin'));
  await copyFile(join(dist, 'bin', 'kc.sh'), join(home, 'bin', 'kc.sh'));
  for (const name of SHARED) await symlink(join(dist, name), join(home, name));
  const imports = join(home, 'data', 'import');
  await mkdir(imports, { recursive: true });
  for (const file of realmFiles) await copyFile(file, join(imports, basename(file)));
  return home;
}

// The realm exports that every path imports: keycloak/*-realm.json (Keycloak's own rule for import files).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REALM_DIR } from './constants.js';

/** Absolute paths of the realm exports in `dir` (default: the repository's `keycloak/`). */
export function realmFiles(dir: string = REALM_DIR): string[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('-realm.json'))
    .sort()
    .map((name) => join(dir, name));
  if (files.length === 0) throw new Error(`no realm export (*-realm.json) in ${dir}`);
  return files;
}

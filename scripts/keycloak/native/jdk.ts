// Picks the JDK that runs Keycloak: JAVA_HOME when its version is supported, else the newest supported one in
// the usual install folders, else (with a warning) the newest that still runs it.
import { accessSync, constants, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { KEYCLOAK_VERSION, MINIMUM_JAVA, SUPPORTED_JAVA } from '../constants.js';
import { KeycloakUnavailableError } from '../errors.js';

export interface Jdk {
  readonly home: string;
  readonly major: number;
  /** Why this one, for the progress line. */
  readonly reason: string;
}

const INSTALL_DIRS = ['/usr/lib/jvm', '/usr/java', '/opt/java', '/opt/jdk', '/Library/Java/JavaVirtualMachines'];

/** The major version of the Java at `home` (from its `release` file), or undefined when it is no Java home. */
export function javaMajor(home: string): number | undefined {
  try {
    accessSync(join(home, 'bin', 'java'), constants.X_OK);
    const release = readFileSync(join(home, 'release'), 'utf8');
    const version = /^JAVA_VERSION="([^"]+)"/m.exec(release)?.[1];
    if (version === undefined) return undefined;
    const [first, second] = version.split(/[._+-]/).map(Number);
    return first === 1 ? second : first;
  } catch {
    return undefined;
  }
}

function installedHomes(): string[] {
  const homes: string[] = [];
  for (const dir of INSTALL_DIRS) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) homes.push(join(dir, name), join(dir, name, 'Contents', 'Home'));
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    try {
      homes.push(dirname(dirname(realpathSync(join(dir, 'java')))));
    } catch {
      // no java in this PATH entry
    }
  }
  return homes;
}

/** The JDK to run Keycloak with; throws a readable error when there is none. */
export function findJdk(javaHome: string | undefined): Jdk {
  const preferred = javaHome ? javaMajor(javaHome) : undefined;
  if (javaHome && preferred !== undefined && preferred >= SUPPORTED_JAVA) {
    return { home: javaHome, major: preferred, reason: 'JAVA_HOME' };
  }
  const seen = new Map<string, number>();
  for (const home of installedHomes()) {
    const major = javaMajor(home);
    if (major === undefined) continue;
    const real = realpathSync(home);
    if (!seen.has(real)) seen.set(real, major);
  }
  const newest = [...seen].sort((a, b) => b[1] - a[1])[0];
  const javaHomeNote = javaHome ? ` (JAVA_HOME=${javaHome} is Java ${preferred ?? 'unknown'})` : '';
  if (newest && newest[1] >= SUPPORTED_JAVA) {
    return { home: newest[0], major: newest[1], reason: `newest installed JDK${javaHomeNote}` };
  }
  const fallback = javaHome && preferred !== undefined && preferred >= MINIMUM_JAVA ? [javaHome, preferred] as const : newest;
  if (fallback && fallback[1] >= MINIMUM_JAVA) {
    return {
      home: fallback[0],
      major: fallback[1],
      reason: `no Java ${SUPPORTED_JAVA}+ found; Keycloak ${KEYCLOAK_VERSION} deprecates Java ${fallback[1]} but runs on it`,
    };
  }
  const found = [...seen].map(([home, major]) => `${home} (Java ${major})`).join(', ') || 'none';
  throw new KeycloakUnavailableError(
    `Keycloak ${KEYCLOAK_VERSION} needs Java ${SUPPORTED_JAVA} or newer to run natively, and none was found` +
      `${javaHomeNote}. Looked in JAVA_HOME, PATH and ${INSTALL_DIRS.join(', ')}; found: ${found}. ` +
      `Install a JDK ${SUPPORTED_JAVA}+ and set JAVA_HOME, or start a Docker engine, or set KEYCLOAK_URL to a running Keycloak.`,
  );
}

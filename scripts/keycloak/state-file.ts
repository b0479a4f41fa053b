// The CLI's record of the Keycloak it started (`.cache/keycloak/running.json`), so `stop` and `status` work
// from another terminal, including after `start --detach`.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEFAULT_CACHE_DIR } from './constants.js';
import type { KeycloakState } from './types.js';

export interface StateRecord {
  readonly state: KeycloakState;
  /** The CLI process that keeps it running in the foreground; absent once detached. */
  readonly owner?: number;
  readonly startedAt: string;
}

export const STATE_FILE = join(DEFAULT_CACHE_DIR, 'running.json');

export async function writeState(record: StateRecord, file = STATE_FILE): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
}

export async function readState(file = STATE_FILE): Promise<StateRecord | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as StateRecord);
}

export async function removeState(file = STATE_FILE): Promise<void> {
  await rm(file, { force: true });
}

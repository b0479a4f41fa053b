// One `kc.sh start-dev` process in a run home: spawned in a process group of its own (so stopping reaches java,
// and Ctrl-C in a terminal does not), its output in the home's keycloak.log, killed if this process exits first.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastLines } from '../run-command.js';
import type { KeycloakAdmin } from '../types.js';
import { killGroupOnExit, stopGroup } from './process-group.js';
import { recordPid } from './run-home.js';

/**
 * Options that Keycloak bakes into its server image: it rebuilds (about 20 s) whenever they change, so every
 * run uses exactly these. dev-file keeps the database in the run home, where a prepared copy is put first
 * (see db-template.ts); health checks are served on the main port, so a run needs one port only.
 */
export const BUILD_OPTIONS = ['--db=dev-file', '--health-enabled=true', '--http-management-health-enabled=false'];

/**
 * C1 only: Keycloak's boot spends a quarter of its CPU time in the C2 compiler, which a short-lived test
 * server never profits from (measured: 21-23 s of CPU to ready, 15-16 s with this).
 */
const JVM_OPTIONS = '-XX:TieredStopAtLevel=1';

export interface KcProcessOptions {
  readonly home: string;
  readonly javaHome: string;
  readonly port: number;
  readonly admin: KeycloakAdmin;
  readonly extraArgs: readonly string[];
}

export interface KcProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Why it ended, or undefined while it runs. */
  exited(): string | undefined;
  logTail(): Promise<string>;
  /** SIGTERM to the group, SIGKILL after a grace period; idempotent. */
  stop(): Promise<void>;
  /** Leave it running when this process exits. */
  detach(): void;
}

export async function spawnKc(options: KcProcessOptions): Promise<KcProcess> {
  const logFile = join(options.home, 'keycloak.log');
  const out = openSync(logFile, 'a');
  const appended = [process.env['JAVA_OPTS_APPEND'], JVM_OPTIONS].filter(Boolean).join(' ');
  const child = spawn(
    'sh',
    [
      join(options.home, 'bin', 'kc.sh'), 'start-dev', '--http-host=127.0.0.1', `--http-port=${options.port}`,
      ...BUILD_OPTIONS, ...options.extraArgs,
    ],
    {
      cwd: options.home,
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        JAVA_HOME: options.javaHome,
        JAVA_OPTS_APPEND: appended,
        KC_BOOTSTRAP_ADMIN_USERNAME: options.admin.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: options.admin.password,
      },
    },
  );
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start sh for Keycloak');
  await recordPid(options.home, pid);
  let ended: string | undefined;
  child.once('exit', (code, signal) => {
    ended = signal ? `killed by ${signal}` : `exit code ${code}`;
  });
  const cancelExitKill = killGroupOnExit(pid);
  let stopping: Promise<void> | undefined;
  return {
    pid,
    logFile,
    exited: () => ended,
    logTail: async () => lastLines(await readFile(logFile, 'utf8').catch(() => '')),
    stop: () => {
      stopping ??= (async () => {
        cancelExitKill();
        await stopGroup(pid);
      })();
      return stopping;
    },
    detach: () => {
      cancelExitKill();
      child.unref();
    },
  };
}

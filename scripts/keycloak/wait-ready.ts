// Readiness: Keycloak is ready when the realm's discovery document answers 200 (the realm is imported then).
import { setTimeout as sleep } from 'node:timers/promises';
import { heartbeat, seconds } from './progress.js';

export interface WaitForRealmOptions {
  readonly url: string;
  readonly realm: string;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  /** A reason to give up at once (e.g. "the process exited with code 1"), or undefined while it runs. */
  readonly failed: () => string | undefined;
  /** The end of Keycloak's log, for error messages. */
  readonly logTail: () => Promise<string>;
}

/** The realm's OIDC discovery document. */
export function discoveryUrl(url: string, realm: string): string {
  return `${url}/realms/${encodeURIComponent(realm)}/.well-known/openid-configuration`;
}

async function answers(target: string): Promise<boolean> {
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Resolves once the discovery document answers 200; rejects with the log's tail on exit or timeout. */
export async function waitForRealm(options: WaitForRealmOptions): Promise<number> {
  const target = discoveryUrl(options.url, options.realm);
  const done = heartbeat(options.log, `booting, waiting for ${target}`);
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (;;) {
      const reason = options.failed();
      if (reason !== undefined) throw new Error(`Keycloak stopped before it was ready: ${reason}.${await tail(options)}`);
      if (await answers(target)) return done();
      if (Date.now() > deadline) {
        throw new Error(
          `Keycloak did not answer ${target} within ${seconds(options.timeoutMs)} s.${await tail(options)}`,
        );
      }
      await sleep(200);
    }
  } finally {
    done();
  }
}

async function tail(options: WaitForRealmOptions): Promise<string> {
  const text = await options.logTail().catch(() => '');
  return text ? `\nLast lines of its log:\n${text}` : '';
}

// Keycloak runs as `sh kc.sh` plus its java child, in a process group of its own: stopping signals the whole
// group (SIGTERM, then SIGKILL after a grace period) and waits until no member is left.
import { setTimeout as sleep } from 'node:timers/promises';

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while any process of the group led by `pid` exists. */
export function groupAlive(pid: number): boolean {
  return signalGroup(pid, 0);
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the group is empty. */
export async function stopGroup(pid: number, graceMs = 20_000): Promise<void> {
  if (!groupAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  if (await gone(pid, graceMs)) return;
  signalGroup(pid, 'SIGKILL');
  if (!(await gone(pid, 5_000))) throw new Error(`process group ${pid} is still there after SIGKILL`);
}

/** Kills the group if this process exits before `stop()`; returns the function that cancels that. */
export function killGroupOnExit(pid: number): () => void {
  const kill = (): void => {
    signalGroup(pid, 'SIGKILL');
  };
  process.once('exit', kill);
  return () => process.removeListener('exit', kill);
}

// A cross-process lock on a folder (mkdir is atomic), so two runs never unpack or prepare the same cache at once.
// A lock whose owner process is gone is taken over.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerIsGone(dir: string): Promise<boolean> {
  const text = await readFile(join(dir, 'owner'), 'utf8').catch(() => undefined);
  if (text === undefined) {
    // Being created right now, or its creator died before writing the owner file.
    const created = await stat(dir).then((s) => s.mtimeMs, () => Date.now());
    return Date.now() - created > 10_000;
  }
  const pid = Number(text);
  return !Number.isInteger(pid) || !alive(pid);
}

/** Runs `work` while holding the lock folder `dir`; `onWait` is called once if another process holds it. */
export async function withLock<T>(dir: string, work: () => Promise<T>, onWait: () => void): Promise<T> {
  let waited = false;
  for (;;) {
    try {
      await mkdir(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await ownerIsGone(dir)) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (!waited) onWait();
      waited = true;
      await sleep(500);
    }
  }
  try {
    await writeFile(join(dir, 'owner'), String(process.pid));
    return await work();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

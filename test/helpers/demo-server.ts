import { execFileSync } from 'node:child_process';
import { startProcess } from './child-process.js';
import { freePort } from './free-port.js';

/** The demo server (`dist-demo/demo/server.js`, as `npm run server` runs it) running as its own process. */
export interface DemoServerProcess {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

let built = false;

/** Builds the demo server into `dist-demo/` once per test file (tsc, incremental). */
export function buildOnce(): void {
  if (built) return;
  execFileSync('npm', ['run', 'build:demo', '--silent'], { stdio: 'inherit' });
  built = true;
}

/** Starts the demo server with these settings (docs/demo-server.md) on a free port. */
export async function startDemoServer(env: NodeJS.ProcessEnv): Promise<DemoServerProcess> {
  buildOnce();
  const port = await freePort();
  const running = await startProcess(process.execPath, ['dist-demo/demo/server.js'], {
    env: { HOST: '127.0.0.1', PORT: String(port), ...env },
    ready: /listening on/,
  });
  return { url: `http://127.0.0.1:${port}`, output: running.output, stop: running.stop };
}

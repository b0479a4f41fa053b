import { startProcess, type RunningProcess } from './child-process.js';
import { freePort } from './free-port.js';

/** A real redis-server (Debian's package) on 127.0.0.1 and a random port, without persistence. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop()`). */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, as in a network black hole. */
  pause(): void;
  /** Lets a paused process run again (SIGCONT). */
  resume(): void;
}

async function launch(port: number): Promise<RunningProcess> {
  return startProcess(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      ready: /Ready to accept connections/,
    },
  );
}

function signal(running: RunningProcess, name: 'SIGSTOP' | 'SIGCONT'): void {
  const pid = running.child.pid;
  if (pid === undefined || running.child.exitCode !== null || running.child.signalCode !== null) {
    throw new Error('redis-server is not running');
  }
  process.kill(pid, name);
}

/** Starts redis-server; fails with a clear message when it is not installed (`apt-get install redis-server`). */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let running = await launch(port).catch((error: Error) => {
    throw new Error(`cannot start redis-server (install Debian's redis-server package): ${error.message}`);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => {
      if (running.child.exitCode === null && running.child.signalCode === null) signal(running, 'SIGCONT'); // a paused one cannot act on SIGTERM
      return running.stop();
    },
    restart: async () => {
      running = await launch(port);
    },
    pause: () => signal(running, 'SIGSTOP'),
    resume: () => signal(running, 'SIGCONT'),
  };
}

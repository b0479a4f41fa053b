// Progress for long steps: one line now, then "still <doing> (N s)" every few seconds until done.

/** Where progress lines go unless the caller says otherwise. */
export const stderrLog = (line: string): void => {
  process.stderr.write(`[keycloak] ${line}\n`);
};

/** Logs `still <what> (N s)` every `everyMs` until the returned function is called; it returns the elapsed ms. */
export function heartbeat(log: (line: string) => void, what: string, everyMs = 5000): () => number {
  const started = Date.now();
  const timer = setInterval(() => log(`still ${what} (${seconds(Date.now() - started)} s)`), everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    return Date.now() - started;
  };
}

/** Milliseconds as seconds with one decimal. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

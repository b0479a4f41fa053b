/**
 * Waits for background work (a key refresh started by a request) to show its effect. Polls every 2 ms;
 * gives up after `limit` ms so that a broken expectation fails the test instead of hanging it.
 */
export async function waitFor(condition: () => boolean, limit = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limit) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Waits until an asynchronous condition holds (a revocation reaching another instance, a store noticing a
 * silent Redis). Polls every 10 ms; gives up after `limit` ms, a generous upper bound, so that a broken
 * expectation fails the test instead of hanging it. Errors thrown by the condition count as "not yet".
 */
export async function eventually(condition: () => Promise<boolean> | boolean, limit = 15_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const holds = await Promise.resolve()
      .then(condition)
      .catch(() => false);
    if (holds) return;
    if (Date.now() - start > limit) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

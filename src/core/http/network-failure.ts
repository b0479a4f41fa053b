/**
 * The network error code behind a failed `fetch` (`ECONNREFUSED`, `ENOTFOUND`, undici's `UND_ERR_SOCKET`, …), found on
 * the error or its causes (undici wraps it: `TypeError: fetch failed` → `cause.code`), else `unknown`. A code
 * names what to fix (nothing listening, a misspelt host) where "could not be fetched" names nothing.
 */
export function networkFailure(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code)) return code;
    // An AggregateError (several addresses tried, e.g. 127.0.0.1 and ::1) holds the codes in `errors`.
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.length > 0) {
      const first = networkFailure(inner[0]);
      if (first !== 'unknown') return first;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return 'unknown';
}

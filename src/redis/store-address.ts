/**
 * A Redis URL as it may appear in a message or an event: scheme, host, port and database, never the user name
 * or password (`redis://:secret@host` is a common way to pass one). Something that is not a URL is not repeated.
 */
export function storeAddress(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the configured Redis URL';
  }
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  return `${parsed.protocol}//${parsed.host}${path}`;
}

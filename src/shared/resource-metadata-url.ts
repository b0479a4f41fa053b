/**
 * Where a protected resource publishes its metadata (RFC 9728 §3.1): the well-known segment goes between the
 * host and the resource's path, so `https://api.example.com/v1` is described at
 * `https://api.example.com/.well-known/oauth-protected-resource/v1`. Shared by the guard (which serves and
 * announces it) and the client (which derives it from a resource URL), so it imports nothing.
 */

/** The well-known path segment of RFC 9728 §3. */
export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** The metadata URL of a resource identifier (an absolute URL; a lone trailing `/` path is no path). */
export function resourceMetadataUrl(resource: string | URL): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}${RESOURCE_METADATA_PATH}${path}${url.search}`;
}

/**
 * Unknown option keys: every options object the library takes (guard, issuer entries, keys, cache, token sources,
 * introspection, client, Redis store, test kit) refuses a key it does not know. A silently ignored typo can fail
 * open: `allowedClient: ['billing']` for `allowedClients` would let any client through.
 *
 * Shared by `core/`, `express/`, `client/`, `redis/` and `testing/`, so it depends on none of them.
 */
import { closest } from 'fastest-levenshtein';

/**
 * Every key of an options interface, each mapped to `true`. Declare a key list with
 * `{ … } as const satisfies OptionKeys<XOptions>`: a key missing from the list, or one the interface does not
 * have, then fails the type check, so the list cannot drift from the interface it mirrors.
 */
export type OptionKeys<T> = { readonly [K in keyof T]-?: true };

/**
 * The known key nearest to `key` by edit distance. A known key that begins with `key`, or that `key` begins with,
 * comes first: `skew` suggests `skewSeconds` rather than `now`, which is fewer edits away.
 */
function nearestKey(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const prefixed = known.filter((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
  return closest(key, prefixed.length > 0 ? prefixed : known);
}

/**
 * Throws a `TypeError` when `options` is not an object (an array is not one), or holds a key that `known` does not list, naming
 * the key and the nearest known one. `path` is the option's name (`"keys"`, `"introspection"`), prefixed to
 * every name in the message; empty for a top-level options object.
 *
 * @example
 * refuseUnknownKeys({ allowedClient: ['billing'] }, AUTH_OPTION_KEYS, '')
 * // TypeError: unknown option "allowedClient"; did you mean "allowedClients"?
 */
export function refuseUnknownKeys(
  options: unknown,
  known: Readonly<Record<string, true>>,
  path: string,
): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(path === '' ? 'options must be an object' : `"${path}" must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(known, key)) {
      // JSON.stringify quotes the name and escapes any control character or quote in it
      const name = (k: string) => JSON.stringify(path === '' ? k : `${path}.${k}`);
      const nearest = nearestKey(key, Object.keys(known));
      throw new TypeError(`unknown option ${name(key)}; did you mean ${name(nearest)}?`);
    }
  }
}

import { checkList } from '../claims/requirements.js';

/** How each guard factory is called: the messages below tell a caller who got it wrong what to write. */
const CALLS: Readonly<Record<string, string>> = {
  requireAuth: 'auth.requireAuth() or auth.requireAuth("scope")',
  requireAnyScope: 'auth.requireAnyScope(["scope-a", "scope-b"])',
  requireRole: 'auth.requireRole("role")',
  requireClientRole: 'auth.requireClientRole("client-id", "role")',
  requireClaim: 'auth.requireClaim((token) => ..., "description")',
  optionalAuth: 'auth.optionalAuth()',
  requireActiveToken: 'auth.requireActiveToken() or auth.requireActiveToken("scope")',
  requireAcr: 'auth.requireAcr("acr-value", { maxAge: 300 })',
  requireDPoP: 'auth.requireDPoP() or auth.requireDPoP("scope")',
  decorator: '@auth.decorator() or @auth.decorator("scope")',
  errorHandler: 'app.use(auth.errorHandler())',
};

/** Where a factory's further checks begin: `requireAuth(scopes, ...checks)`, `optionalAuth(...checks)`. */
const CHECKS_FROM: Readonly<Record<string, number>> = {
  requireAuth: 1,
  requireActiveToken: 1,
  requireDPoP: 1,
  decorator: 1,
  optionalAuth: 0,
};

type Factory = (...args: unknown[]) => unknown;

/** An HTTP request (Express's or Node's): what a factory receives when Express itself calls it. */
function isRequest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'method' in value && 'headers' in value && 'url' in value;
}

/** `@auth.decorator` without parentheses: the decorator factory itself receives the method it should decorate. */
function isDecoration(args: readonly unknown[]): boolean {
  const [, second, third] = args;
  const standard = typeof second === 'object' && second !== null && 'kind' in second && 'name' in second;
  const legacy = (typeof second === 'string' || typeof second === 'symbol') && typeof third === 'object';
  return standard || (legacy && third !== null);
}

function uncalled(name: string): TypeError {
  return new TypeError(
    name === 'decorator'
      ? '"decorator" was mounted uncalled: it decorates controller methods, as @auth.decorator(); a route takes auth.requireAuth()'
      : `"${name}" was mounted uncalled: write ${CALLS[name]}, not auth.${name}`,
  );
}

/**
 * The factory, its arguments checked first. In plain JavaScript, `app.get('/x', auth.requireAuth, h)` mounts the
 * factory itself, and Express cannot be stopped from accepting it (any function passes its check). Express then
 * calls it with `(req, res, next)` on every request: the mistake is passed to `next` as a `TypeError` naming the
 * fix, rather than failing deep inside with a message about something else (or, for `optionalAuth` and
 * `errorHandler`, never answering at all).
 */
function checked(name: string, factory: Factory): Factory {
  const checksFrom = CHECKS_FROM[name];
  return (...args) => {
    if (isRequest(args[0])) {
      const next = args[2];
      if (typeof next === 'function') return void next(uncalled(name));
      throw new TypeError(`"${name}" was given a request object: call it as ${CALLS[name]}, and mount what it returns`);
    }
    if (name === 'decorator' && isDecoration(args)) {
      throw new TypeError(`"decorator" was applied uncalled: write ${CALLS[name]}`);
    }
    if (checksFrom !== undefined) checkList(args.slice(checksFrom), name);
    return factory(...args);
  };
}

/** The same guards and helpers, frozen, with every guard factory checking its arguments (see {@link checked}). */
export function withCheckedArguments<T extends object>(auth: T): Readonly<T> {
  const result = { ...auth } as Record<string, unknown>;
  for (const [name, value] of Object.entries(result)) {
    if (Object.hasOwn(CALLS, name) && typeof value === 'function') result[name] = checked(name, value as Factory);
  }
  return Object.freeze(result) as Readonly<T>;
}

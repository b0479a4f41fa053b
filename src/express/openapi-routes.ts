import type { GuardRequirement } from '../core/pipeline/guard-registry.js';
import type { GuardedRoute } from '../core/openapi/document.js';
import { openApiPath } from '../core/openapi/generate.js';

/** The parts of an Express router layer this walk reads (Express 4 and 5 differ; both are covered). */
interface Layer {
  readonly handle?: unknown;
  readonly route?: { readonly path?: unknown; readonly methods?: Record<string, boolean>; readonly stack?: Layer[] };
  /** Express 5 (router 2): the path the layer was mounted at. */
  readonly rawPath?: unknown;
  /** Express 4: a layer mounted at `/` matches every path quickly. */
  readonly regexp?: { readonly fast_slash?: boolean };
}

type RequirementOf = (hook: unknown) => GuardRequirement | undefined;

/** The router stack of an Express app (`app.router` in Express 5, `app._router` in Express 4) or router. */
function stackOf(appOrRouter: unknown): Layer[] | undefined {
  const candidate = appOrRouter as { router?: { stack?: unknown }; _router?: { stack?: unknown }; stack?: unknown };
  // Express 4's `app.router` is a getter that throws, so its `_router` is read first.
  const stack = candidate._router?.stack ?? candidate.stack ?? candidate.router?.stack;
  return Array.isArray(stack) ? (stack as Layer[]) : undefined;
}

/** The mount path of a `use()` layer: `''` for the root, `undefined` when it cannot be read (Express 4, regexps). */
function mountPath(layer: Layer): string | undefined {
  if (typeof layer.rawPath === 'string') return layer.rawPath === '/' ? '' : layer.rawPath.replace(/\/+$/, '');
  if (layer.rawPath === undefined && layer.regexp?.fast_slash === true) return '';
  return undefined;
}

function walk(
  stack: Layer[],
  prefix: string,
  inherited: GuardRequirement | undefined,
  of: RequirementOf,
): GuardedRoute[] {
  const routes: GuardedRoute[] = [];
  let guard = inherited;
  for (const layer of stack) {
    if (layer.route !== undefined) {
      const own = (layer.route.stack ?? []).map((l) => of(l.handle)).find((r) => r !== undefined);
      const requirement = own ?? guard;
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      if (requirement === undefined) continue;
      for (const path of paths) {
        if (typeof path !== 'string') continue; // a RegExp route has no OpenAPI path
        for (const method of Object.keys(layer.route.methods ?? {})) {
          routes.push({ method: method.toLowerCase(), path: openApiPath(prefix + path), requirement });
        }
      }
      continue;
    }
    const mount = mountPath(layer);
    if (mount === undefined) continue;
    const requirement = of(layer.handle);
    // `app.use(auth.requireAuth())` guards every route registered after it under its mount path.
    if (requirement !== undefined && mount === '') guard = requirement;
    const nested = requirement === undefined ? stackOf(layer.handle) : undefined;
    if (nested !== undefined) routes.push(...walk(nested, prefix + mount, guard, of));
  }
  return routes;
}

/**
 * The guarded routes of an Express app or router, found by walking its router stack: a route's own guard, or a
 * guard `use()`d before it. Nested routers are followed with their mount paths where the router records them
 * (Express 5); RegExp paths are skipped. `:param` becomes `{param}`.
 */
export function collectExpressRoutes(app: unknown, requirementOf: RequirementOf): GuardedRoute[] {
  const stack = stackOf(app);
  if (stack === undefined) throw new TypeError('openapi(app): app must be an Express application or router');
  return walk(stack, '', undefined, requirementOf);
}

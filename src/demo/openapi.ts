import { mergeOpenApi, type SecurityDocument } from '../index.js';
import type { DemoRoute } from './routes.js';

/** The path served without a token: the demo's OpenAPI document. */
export const OPENAPI_PATH = '/openapi.json';

/** The document the demo writes by hand: what each route is; its security comes from the guards. */
function baseDocument(routes: readonly DemoRoute<unknown>[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      summary: `${route.method} ${route.path}`,
      responses: { '200': { description: 'JSON with a `message` field' } },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'bearer-guard demo resource server', version: '1.0.0' },
    paths,
  };
}

/**
 * Serves the merged document: the guards' fragment is generated once it succeeds (discovery of the token
 * endpoint may fail while the provider is down; the next request tries again).
 */
export function openApiDocument(
  routes: readonly DemoRoute<unknown>[],
  generate: () => Promise<SecurityDocument>,
): () => Promise<Record<string, unknown>> {
  let document: Promise<Record<string, unknown>> | undefined;
  return () => {
    document ??= generate().then(
      (fragment) => mergeOpenApi(baseDocument(routes), fragment),
      (error: unknown) => {
        document = undefined;
        // The provider could not be asked for its token endpoint: "try later", as the guards answer then.
        throw Object.assign(new Error('the token endpoint could not be discovered', { cause: error }), { status: 503 });
      },
    );
    return document;
  };
}

/** Descriptions of the demo's scopes, shown by documentation tools. */
export const SCOPE_DESCRIPTIONS = {
  test_api_access: 'call the demo API',
  email: "read the caller's email address",
} as const;

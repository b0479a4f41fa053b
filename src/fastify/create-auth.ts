import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import {
  BEARER_SOURCE_KEYS,
  extractBearerToken,
  type BearerRequest,
  type BearerSources,
} from '../core/bearer/extract.js';
import { createTokenExtractor } from '../core/bearer/extractor.js';
import { createAdmission, type AdmissionOptions, type AuthControl } from '../core/pipeline/admission.js';
import { withCheckedArguments } from '../core/pipeline/guard-arguments.js';
import { GuardRegistry } from '../core/pipeline/guard-registry.js';
import { createGuards, type Guards } from '../core/pipeline/guards.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import { toHook, type FastifyAnswering, type FastifyGuard } from './guard.js';
import { generateSecurityDocument, type OpenApiOptions } from '../core/openapi/generate.js';
import type { GuardedRoute, SecurityDocument } from '../core/openapi/document.js';
import { guardedRoute } from './openapi-routes.js';
import type { ProtectedResourceOptions } from '../core/resource/metadata.js';
import { metadataPlugin } from './resource-metadata.js';

/** Options of {@link createFastifyAuth}: the pipeline's options plus how Fastify requests are read and answered. */
export interface FastifyAuthOptions extends AdmissionOptions {
  /** Token places besides the `Authorization` header. Both off by default; `body` needs the guard as `preHandler`. */
  readonly tokenSources?: Partial<BearerSources>;
  /** A custom token extractor: return the raw token, or `undefined` for "no credentials". */
  readonly getToken?: (request: FastifyRequest) => string | undefined;
  /** Pass errors to Fastify's error handler (with `statusCode` and `headers`) instead of answering them. Default false. */
  readonly passErrors?: boolean;
}

/** The options only the Fastify adapter reads; the pipeline's own are checked by the pipeline. */
const FASTIFY_OPTION_KEYS = { tokenSources: true, getToken: true, passErrors: true } as const satisfies OptionKeys<
  Omit<FastifyAuthOptions, keyof AdmissionOptions>
>;

/** The guards and helpers of one configuration, as Fastify route hooks. */
export interface FastifyAuth extends Guards<FastifyGuard>, AuthControl {
  /**
   * Registers `request.auth` on the instance (so every request object has the same shape), across
   * encapsulation contexts. Optional: the guards work without it.
   */
  readonly plugin: FastifyPluginCallback;
  /**
   * The OpenAPI 3.1 security of the guarded routes registered after {@link FastifyAuth.plugin} (an `oauth2`
   * scheme with the client-credentials flow, the union of the guards' scopes, each operation's `security`).
   * Merge it into a document with `mergeOpenApi`.
   */
  openapi(options?: OpenApiOptions): Promise<SecurityDocument>;
  /**
   * A plugin serving the configured `resource`'s RFC 9728 metadata at `/.well-known/oauth-protected-resource`
   * (with the resource's path appended, if it has one): `app.register(auth.protectedResource())`. Needs the
   * `resource` option, else throws a `TypeError`.
   */
  protectedResource(options?: ProtectedResourceOptions): FastifyPluginCallback;
}

/** What token extraction reads of a Fastify request: the raw Node request, plus the parsed body when asked. */
function bearerView(request: FastifyRequest, withBody: boolean): BearerRequest {
  if (!withBody) return request.raw;
  const { raw } = request;
  return { method: raw.method, url: raw.url, rawHeaders: raw.rawHeaders, headers: raw.headers, body: request.body };
}

/**
 * Creates the Fastify guards for one configuration: the same pipeline, options and answers as the Express
 * adapter's `createAuth`. This adapter only reads the token from the request and sends the core's answers.
 *
 * @example
 * const auth = createFastifyAuth({ issuer: 'http://localhost:8080/realms/myorg', audience: 'test-api' })
 * app.get('/api/private-scoped', { onRequest: auth.requireAuth('test_api_access') }, handler)
 */
export function createFastifyAuth(options: FastifyAuthOptions): FastifyAuth {
  const admission = createAdmission(options, FASTIFY_OPTION_KEYS);
  const { tokenSources, getToken, passErrors } = options;
  if (tokenSources !== undefined) refuseUnknownKeys(tokenSources, BEARER_SOURCE_KEYS, 'tokenSources');
  const sources: BearerSources = { query: tokenSources?.query === true, body: tokenSources?.body === true };
  const extract = createTokenExtractor(getToken, (request: FastifyRequest) =>
    extractBearerToken(bearerView(request, sources.body), sources),
  );
  const answering: FastifyAnswering = { challenge: admission.challenge, passErrors: passErrors === true };
  const registry = new GuardRegistry();
  const guards = createGuards(
    (policy) =>
      toHook(
        admission.gate(policy, extract, (request: FastifyRequest) => request.raw),
        answering,
      ),
    registry,
    options.now,
  );
  const routes: GuardedRoute[] = [];
  const plugin: FastifyPluginCallback = fastifyPlugin(
    (instance, _options, done) => {
      instance.decorateRequest('auth', undefined);
      // Every route registered from here on is looked at once, so `openapi()` knows the guarded ones.
      instance.addHook('onRoute', (route) => {
        routes.push(...guardedRoute(route, guards.requirementOf));
      });
      done();
    },
    { fastify: '5.x', name: 'bearer-guard' },
  );

  return withCheckedArguments({
    ...guards,
    verify: admission.verify,
    revoke: admission.revoke,
    ready: admission.ready,
    status: admission.status,
    plugin,
    openapi: async (openApiOptions?: OpenApiOptions) =>
      generateSecurityDocument(routes, openApiOptions, admission.provider),
    protectedResource: (metadataOptions?: ProtectedResourceOptions) =>
      metadataPlugin(
        admission.resourceMetadata({ requirements: () => registry.all(), bearerMethods: sources }, metadataOptions),
      ),
  });
}

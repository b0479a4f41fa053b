/**
 * The Express entry's public types, written structurally so that its declarations never import `express`:
 * an app that only calls `auth.verify()`, or has no `@types/express`, type-checks without it. Express's own
 * `Request`, `Response` and `NextFunction` fit these shapes, so every guard is accepted where Express takes a
 * `RequestHandler` (Express 5 and 4).
 */
import type { BearerSources } from '../core/bearer/extract.js';
import type { TokenCheck } from '../core/claims/requirements.js';
import type { AdmissionOptions, AuthControl } from '../core/pipeline/admission.js';
import type { Guards } from '../core/pipeline/guards.js';
import type { OpenApiOptions } from '../core/openapi/generate.js';
import type { SecurityDocument } from '../core/openapi/document.js';
import type { ProtectedResourceOptions } from '../core/resource/metadata.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Express's open request interface, declared here empty (it merges with Express's own and with every
    // augmentation an app has, such as cookie-parser's `cookies`), so that the request type below can name it
    // without importing express.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Request {}
  }
}

/** The request as the guards see it: Express's `Request` fits it, with what the app's augmentations add. */
export interface ExpressRequest extends Express.Request {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: { readonly [name: string]: string | string[] | undefined };
  readonly rawHeaders: readonly string[];
  readonly query?: unknown;
  readonly body?: unknown;
  /** A request header, as Express's `req.get(name)`. */
  get(name: string): string | undefined;
}

/** What the guards use of a response: Express's `Response` fits it. */
export interface ExpressResponse {
  readonly headersSent: boolean;
  status(code: number): this;
  set(headers: Record<string, string>): this;
  json(body: unknown): unknown;
}

/** Express's `next`. */
export type ExpressNext = (error?: unknown) => void;

/** A route middleware, accepted wherever Express takes a `RequestHandler`. */
export type ExpressHandler = (req: ExpressRequest, res: ExpressResponse, next: ExpressNext) => void;

/** An error middleware, accepted wherever Express takes an `ErrorRequestHandler`. */
export type ExpressErrorHandler = (
  error: unknown,
  req: ExpressRequest,
  res: ExpressResponse,
  next: ExpressNext,
) => void;

/**
 * A controller method handling a route. Declared as a method so that its parameters compare both ways: a
 * method taking Express's own `Request` and `Response` is a `RouteMethod`.
 */
export type RouteMethod = {
  route(req: ExpressRequest, res: ExpressResponse, next: ExpressNext): unknown;
}['route'];

/**
 * A method decorator applying a guard, for class-based controllers. Works both as a TypeScript 5 standard
 * decorator and with `experimentalDecorators` (the legacy form frameworks such as routing-controllers use).
 */
export interface GuardDecorator {
  <T extends RouteMethod>(value: T, context: ClassMethodDecoratorContext): T;
  <T extends RouteMethod>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): TypedPropertyDescriptor<T>;
}

/** Options of `createAuth`: the pipeline's options plus how Express requests are read and answered. */
export interface ExpressAuthOptions extends AdmissionOptions {
  /** Token places besides the `Authorization` header. Both off by default. */
  readonly tokenSources?: Partial<BearerSources>;
  /**
   * A custom token extractor replacing the default one: return the raw token, or `undefined` for "no
   * credentials". It may throw this library's errors (e.g. `InvalidRequestError`).
   */
  readonly getToken?: (req: ExpressRequest) => string | undefined;
  /** Pass errors to `next(err)` (with `status` and `headers` set) instead of answering them. Default false. */
  readonly passErrors?: boolean;
}

/** The guards and helpers of one configuration, as Express middleware. */
export interface Auth extends Guards<ExpressHandler>, AuthControl {
  /** The same guard as a method decorator for class-based controllers. */
  decorator(scopes?: string | readonly string[], ...checks: TokenCheck[]): GuardDecorator;
  /** Error middleware for `passErrors: true`. */
  errorHandler(): ExpressErrorHandler;
  /**
   * The OpenAPI 3.1 security of the guarded routes of `app` (an Express app or router): an `oauth2` scheme with
   * the client-credentials flow (its `tokenUrl` found by discovery unless given), the union of the guards'
   * scopes, and each guarded operation's `security`. Merge it into a document with `mergeOpenApi`.
   *
   * @example
   * res.json(mergeOpenApi(myDocument, await auth.openapi(app)))
   */
  openapi(app: unknown, options?: OpenApiOptions): Promise<SecurityDocument>;
  /**
   * Middleware serving the configured `resource`'s RFC 9728 metadata at `/.well-known/oauth-protected-resource`
   * (with the resource's path appended, if it has one). Needs the `resource` option, else throws a `TypeError`.
   *
   * @example
   * app.use(auth.protectedResource({ resourceName: 'Orders API' }))
   */
  protectedResource(options?: ProtectedResourceOptions): ExpressHandler;
}

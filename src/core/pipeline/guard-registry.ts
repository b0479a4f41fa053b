/**
 * What each guard demands, as data: documents generated from the guards (OpenAPI security requirements, the
 * RFC 9728 `scopes_supported`) read it here instead of re-declaring what the routes already say.
 */
export interface GuardRequirement {
  /** Scopes the token must all hold. */
  readonly scopes: readonly string[];
  /** Scopes of which the token must hold one (empty: no such condition). */
  readonly anyScopes: readonly string[];
  /** Keycloak realm roles the token must all hold. */
  readonly realmRoles: readonly string[];
  /** Client roles the token must all hold, by client id. */
  readonly clientRoles: Readonly<Record<string, readonly string[]>>;
  /** How many further checks (custom predicates, `requireClaim`) the guard runs; their logic is code, not data. */
  readonly customChecks: number;
  /** Anonymous callers pass. */
  readonly optional: boolean;
  /** The token is also confirmed by introspection. */
  readonly introspect: boolean;
}

/** A requirement with every list empty: the base each guard factory adds to. */
export const NO_REQUIREMENT: GuardRequirement = Object.freeze({
  scopes: [],
  anyScopes: [],
  realmRoles: [],
  clientRoles: {},
  customChecks: 0,
  optional: false,
  introspect: false,
});

/** The guards one `Auth` has built, in order, and the requirement behind each route hook. */
export class GuardRegistry {
  private readonly byHook = new WeakMap<object, GuardRequirement>();
  private readonly built: GuardRequirement[] = [];

  /** Records a built hook's requirement. */
  add<H>(hook: H, requirement: GuardRequirement): H {
    const frozen = Object.freeze({ ...requirement });
    if ((typeof hook === 'object' && hook !== null) || typeof hook === 'function') this.byHook.set(hook, frozen);
    this.built.push(frozen);
    return hook;
  }

  /** The requirement behind a hook this `Auth` built, `undefined` for any other value. */
  requirementOf(hook: unknown): GuardRequirement | undefined {
    return (typeof hook === 'object' && hook !== null) || typeof hook === 'function'
      ? this.byHook.get(hook)
      : undefined;
  }

  /** Every requirement built so far, in the order the guards were created. */
  all(): readonly GuardRequirement[] {
    return [...this.built];
  }
}

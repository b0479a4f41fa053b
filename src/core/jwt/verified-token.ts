import type { JWTHeaderParameters, JWTPayload } from 'jose';

/** Claims Keycloak adds to its access tokens. */
export interface KeycloakClaims {
  /** `Bearer` for access tokens; `ID`, `Refresh`, `Logout` for the others. */
  readonly typ?: string;
  readonly azp?: string;
  readonly scope?: string;
  readonly realm_access?: { readonly roles?: readonly string[] };
  readonly resource_access?: Readonly<Record<string, { readonly roles?: readonly string[] }>>;
  readonly preferred_username?: string;
  readonly client_id?: string;
}

/**
 * A verified access token, as it reaches handlers on `req.auth`. `header`, `payload` and `token` have the
 * shape of express-oauth2-jwt-bearer's `AuthResult`, so its `requiredScopes` and `claimCheck` work on it.
 */
export interface VerifiedToken {
  /** The protected header. */
  readonly header: JWTHeaderParameters;
  /** The verified claims. */
  readonly payload: JWTPayload & KeycloakClaims;
  /** The raw token. */
  readonly token: string;
  /** The issuer that vouched for it (one of the configured ones). */
  readonly issuer: string;
  /** Parsed `scope`. */
  readonly scopes: readonly string[];
  /** Keycloak realm roles (`realm_access.roles`). */
  readonly roles: readonly string[];
  /** Keycloak client roles by client id (`resource_access[client].roles`). */
  readonly clientRoles: Readonly<Record<string, readonly string[]>>;
  /** The client it was issued to: `azp`, else `client_id`. */
  readonly clientId: string | undefined;
}

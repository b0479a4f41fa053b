// The one error the launcher gives a type to: a path that cannot run on this machine (no engine, no JDK, no mvn),
// as opposed to a Keycloak that ran and failed.

/** This way of starting Keycloak is not possible here; the message says what is missing and what to do. */
export class KeycloakUnavailableError extends Error {
  override readonly name = 'KeycloakUnavailableError';
}

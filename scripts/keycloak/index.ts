// The launcher's public door, for scripts/keycloak.ts, scripts/demo.ts, the bench and jest's global setup.
export { startKeycloak, stopKeycloak } from './start-keycloak.js';
export { KeycloakUnavailableError } from './errors.js';
export { discoveryUrl, waitForRealm } from './wait-ready.js';
export { dockerUnavailable, keycloakContainerEnv, CONTAINER_IMPORT_DIR } from './docker.js';
export { dockerEngineUnavailable } from './docker-engine.js';
export { realmFiles } from './realm-files.js';
export { freePort } from './ports.js';
export {
  DEFAULT_ADMIN,
  DEFAULT_REALM,
  KEYCLOAK_IMAGE,
  KEYCLOAK_VERSION,
  REALM_DIR,
} from './constants.js';
export type {
  KeycloakAdmin,
  KeycloakMode,
  KeycloakStartMode,
  KeycloakState,
  RunningKeycloak,
  StartKeycloakOptions,
} from './types.js';

// The pinned Keycloak and where its inputs live. One place to bump the version: the Docker image, the
// Maven Central distribution, docker-compose.yml and the testcontainers setup all use this number.
import { fileURLToPath } from 'node:url';

/** The Keycloak version every path runs (newest 26.x served by Maven Central when pinned). */
export const KEYCLOAK_VERSION = '26.7.3';

/** The official container image of that version. */
export const KEYCLOAK_IMAGE = `quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}`;

/** The server distribution on Maven Central (groupId:artifactId:version:packaging). */
export const KEYCLOAK_DIST_ARTIFACT = `org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`;

/** Keycloak 26 is supported on Java 21 (and runs on 17, which it deprecates). */
export const SUPPORTED_JAVA = 21;
export const MINIMUM_JAVA = 17;

/** The repository root (this file is scripts/keycloak/constants.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The realm exports imported at start-up (`*-realm.json`, Keycloak's own naming rule for imports). */
export const REALM_DIR = fileURLToPath(new URL('../../keycloak/', import.meta.url));

/** Downloads and unpacked distributions (git-ignored). */
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../../.cache/keycloak/', import.meta.url));

/** The realm whose discovery document tells that Keycloak is ready. */
export const DEFAULT_REALM = 'myorg';

/** Development-only administrator of the master realm (admin console, admin REST API). */
export const DEFAULT_ADMIN = Object.freeze({ username: 'admin', password: 'admin' });

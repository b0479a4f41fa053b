// The launcher's public shapes: what startKeycloak() takes and what it hands back.

/** How a Keycloak was obtained. */
export type KeycloakMode = 'external' | 'docker' | 'native';

/** Which way to start one: `auto` tries Docker when an engine answers, else the native distribution. */
export type KeycloakStartMode = 'auto' | 'docker' | 'native';

/** A development-only administrator of the master realm. */
export interface KeycloakAdmin {
  readonly username: string;
  readonly password: string;
}

export interface StartKeycloakOptions {
  /** Use the Keycloak at this base URL and start nothing (the scripts pass `KEYCLOAK_URL`). */
  readonly url?: string | undefined;
  /** Default `auto`. */
  readonly mode?: KeycloakStartMode;
  /** Port on 127.0.0.1; 0 picks a free one. Default 8080. */
  readonly port?: number;
  /** Realm exports to import (`*-realm.json`). Default: every one in `keycloak/`. */
  readonly realmFiles?: readonly string[];
  /** The realm whose discovery document must answer 200 before Keycloak counts as ready. Default `myorg`. */
  readonly realm?: string;
  /** Where the distribution is unpacked. Default `<repo>/.cache/keycloak`. */
  readonly cacheDir?: string;
  /** A JDK to prefer (the scripts pass `JAVA_HOME`); used when its version is supported. */
  readonly javaHome?: string | undefined;
  /** How long to wait for the realm to answer once Keycloak runs. Default 180 000 ms. */
  readonly timeoutMs?: number;
  /**
   * Fix Keycloak's frontend URL (and so every token's `iss`) to this URL, e.g. `http://localhost:8080`, whatever
   * host name clients use; back-channel URLs still follow the request. Default: none (iss follows the request).
   */
  readonly hostname?: string | undefined;
  /** Master-realm administrator to create. Default admin / admin. */
  readonly admin?: KeycloakAdmin;
  /** Progress lines. Default: written to stderr with a `[keycloak]` prefix. */
  readonly log?: (line: string) => void;
}

/** Everything needed to find and stop a Keycloak from another process (the CLI's pid file). */
export type KeycloakState =
  | { readonly mode: 'external'; readonly url: string; readonly hostname?: string | undefined }
  | { readonly mode: 'docker'; readonly url: string; readonly hostname?: string | undefined; readonly container: string }
  | {
      readonly mode: 'native';
      readonly url: string;
      readonly hostname?: string | undefined;
      readonly pid: number;
      readonly home: string;
      readonly logFile: string;
    };

export interface RunningKeycloak {
  /** Base URL, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  readonly url: string;
  readonly mode: KeycloakMode;
  readonly admin: KeycloakAdmin;
  /** Serializable description, for `stopKeycloak(state)` from another process. */
  readonly state: KeycloakState;
  /** The issuer of a realm, e.g. `http://127.0.0.1:8080/realms/myorg` (under `hostname` when one is set). */
  issuer(realm?: string): string;
  /** Stops what was started (nothing for `external`) and waits until it is gone. Idempotent. */
  stop(): Promise<void>;
  /** Leaves Keycloak running when this process exits; returns the state to stop it later. */
  detach(): KeycloakState;
}

/** What both launch paths (Docker and native) take. */
export interface LaunchOptions {
  readonly port: number;
  readonly realmFiles: readonly string[];
  readonly realm: string;
  readonly timeoutMs: number;
  readonly admin: KeycloakAdmin;
  readonly hostname: string | undefined;
  readonly log: (line: string) => void;
}

/** A Keycloak started by one launch path: its state, `stop` and `detach`. */
export interface LaunchedKeycloak<M extends KeycloakState['mode']> {
  readonly state: Extract<KeycloakState, { mode: M }>;
  stop(): Promise<void>;
  detach(): void;
}

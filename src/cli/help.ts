/**
 * `--help` texts, one per command.
 */
import { DEFAULT_CLIENT_ID, DEFAULT_ISSUER, DEFAULT_SCOPE } from './args.js';
import { DEMO_DEV_SECRET } from './credentials.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

const USAGE = 'bearer-guard';

const PROVIDER_OPTIONS = `Provider and client options (every command):
  --issuer <url>              issuer; the token endpoint is discovered from it (default ${DEFAULT_ISSUER})
  --token-endpoint <url>      use this token endpoint instead of discovering it
  --client-id <id>            client id (default ${DEFAULT_CLIENT_ID})
  --scope <scope>             scope to ask for; repeat it or separate with spaces; --scope '' asks for none
                              (default ${DEFAULT_SCOPE})
  --auth-method <method>      basic (client_secret_basic, default), post (client_secret_post),
                              private_key_jwt (Keycloak "Signed JWT") or tls_client_auth (with --cert)
  --client-secret-file <path> read the client secret from this file (for basic and post)
  --private-key-file <path>   the client's private key, PEM or JWK (for private_key_jwt)
  --kid <kid>                 key id to put in the client assertion header (default: the JWK's kid)
  --cert <path> --key <path>  mTLS (RFC 8705): show this PEM client certificate and key to the provider and
                              to the API; the auth method is then tls_client_auth (only client_id is sent,
                              also for Keycloak's self-signed variant) unless --auth-method says otherwise
  --ca <path>                 PEM CAs to trust for the provider and the API instead of the default list
  --timeout <ms>              timeout of each request (default 10000)
  --allow-insecure-http       allow plain http:// to hosts other than localhost/127.0.0.1/::1
  --json                      machine-readable output on stdout, errors as JSON on stderr
  -h, --help                  show help

The client secret is never taken from the command line. It comes from, in order: --client-secret-file,
the CLIENT_SECRET environment variable, the demo realm's documented development secret
("${DEMO_DEV_SECRET}", used only for client "${DEFAULT_CLIENT_ID}" on a loopback issuer),
or a prompt without echo when run in a terminal.`;

const TEXTS = {
  main: `Usage: ${USAGE} <command> [options]

Gets OAuth 2.0 client-credentials tokens, calls protected APIs with them, and revokes tokens.

Commands:
  token         print an access token (or, with --decode, its header and claims)
  call <url>    call a URL with a token; print the status and body
  revoke [<token>]  revoke a token at the provider (RFC 7009)

Run "${USAGE} <command> --help" for a command's options, "${USAGE} --version" for the version.
In a clone of the repository: "npm run client -- <command> [options]".

Progress, notices and errors go to stderr; results (the token, the API's answer) to stdout.

${EXIT_CODES_HELP}`,
  token: `Usage: ${USAGE} token [options]

Prints an access token obtained with the client credentials grant.

Options:
  --decode                    print the token's JOSE header and claims as JSON instead (not verified)
  --dpop                      ask for a DPoP-bound token (RFC 9449) with a fresh key that lives only in this
                              process: the token shows its binding (cnf.jkt) but cannot be used elsewhere

${PROVIDER_OPTIONS}

${EXIT_CODES_HELP}`,
  call: `Usage: ${USAGE} call <url> [options]

Gets a token, calls <url> with "Authorization: Bearer <token>", prints the status and the body.
After a 401 with error="invalid_token" it gets a fresh token and retries once. Needs the axios package
(npm i axios), which the other commands do without.

Options:
  -X, --method <method>       HTTP method (default GET)
  -d, --data <body>           request body; sent as application/json when it parses as JSON, else text/plain
  -H, --header <'Name: value'> extra request header; repeatable
  --dpop                      get a DPoP-bound token (RFC 9449) for a fresh key and send it as
                              "Authorization: DPoP <token>" with a proof of that key; a 401 use_dpop_nonce
                              is retried once with the API's DPoP-Nonce
  --discover                  find the issuer from <url> alone: the API's 401 "resource_metadata" or its
                              /.well-known/oauth-protected-resource document (RFC 9728) replaces --issuer

${PROVIDER_OPTIONS}

${EXIT_CODES_HELP}`,
  revoke: `Usage: ${USAGE} revoke [<token> | -] [options]

Revokes a token at the provider's revocation endpoint (RFC 7009), authenticated as the client, and prints
where. The token comes from the argument, from --token-file, or from stdin ("-" or no argument); on the
command line it is visible to other users of the machine. The provider answers the same for a token it does
not know, so success means "no longer valid", not "was valid". Keycloak revokes only tokens issued to the
calling client (else exit 4 with unauthorized_client).

Options:
  --token-file <path>         read the token from this file
  --token-type-hint <type>    access_token or refresh_token (a hint; default none)
  --revocation-endpoint <url> use this revocation endpoint instead of discovery's revocation_endpoint
                              (with --token-endpoint too, nothing is discovered)

${PROVIDER_OPTIONS}

${EXIT_CODES_HELP}`,
} as const;

/** The help text of a topic. */
export function helpText(topic: keyof typeof TEXTS): string {
  return TEXTS[topic];
}

/**
 * Shared setup for the client's unit tests: a provider on 127.0.0.1 with the clients the tests use.
 */
import { generateKeyPairSync } from 'node:crypto';
import { clientSecretBasic } from '../../../src/client/client-auth.js';
import type { ClientAuth } from '../../../src/client/client-auth.js';
import { createConfiguration } from '../../../src/client/configuration.js';
import type { ClientConfiguration } from '../../../src/client/configuration.js';
import { startTestProvider } from '../../helpers/token-endpoint-server.js';
import type { TestProvider } from '../../helpers/token-endpoint-server.js';

/** A secret with every character that form encoding must handle. */
export const SECRET = 's3cr:t+with %20 spaces/é&="quotes"';
export const CLIENT_ID = 'service client:1';
export const SCOPES = ['test_api_access', 'email', 'profile'] as const;

export const rsaKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const ecKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** Starts a provider that knows a secret client, two private_key_jwt clients and a second secret client. */
export function startProvider(): Promise<TestProvider> {
  return startTestProvider([
    { clientId: CLIENT_ID, secret: SECRET, allowedScopes: SCOPES },
    { clientId: 'other_client', secret: 'other-secret', allowedScopes: SCOPES },
    { clientId: 'rsa_jwt_client', publicKey: rsaKeys.publicKey, allowedScopes: SCOPES },
    { clientId: 'ec_jwt_client', publicKey: ecKeys.publicKey, allowedScopes: SCOPES },
  ]);
}

/** A configuration for the provider's token endpoint, with its issuer. */
export function configFor(
  provider: TestProvider,
  clientAuth: ClientAuth = clientSecretBasic(SECRET),
  clientId = CLIENT_ID,
  timeoutMs?: number,
): ClientConfiguration {
  return createConfiguration({
    issuer: provider.issuer,
    tokenEndpoint: provider.tokenEndpoint,
    clientId,
    clientAuth,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

/** A port on 127.0.0.1 where nothing listens. */
export { freePort as closedPort } from '../../helpers/free-port.js';

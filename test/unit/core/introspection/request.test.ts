import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { FetchFailedError } from '../../../../src/core/http/fetch-json.js';
import { resolveIntrospection } from '../../../../src/core/introspection/options.js';
import { requestIntrospection } from '../../../../src/core/introspection/request.js';
import { resolveOptions } from '../../../../src/core/options.js';
import { startIntrospectionServer, type IntrospectionServer } from '../../../helpers/introspection-server.js';

const ISSUER = 'http://127.0.0.1:1/realms/myorg';
const RESOLVED = resolveOptions({ issuer: ISSUER, audience: 'test-api' });
const LIMITS = { timeout: 1_000, maxResponseBytes: 64 * 1024, fetch: globalThis.fetch, allowInsecureHttp: false };
let server: IntrospectionServer;

beforeAll(async () => {
  server = await startIntrospectionServer({ issuer: ISSUER, clientId: 'rs', secret: 'rs-secret' });
  server.register('opaque', { iss: ISSUER, scope: 'a b', exp: 2_000_000_000, ext: { nested: [1] } });
});
afterAll(() => server.close());

describe('requestIntrospection', () => {
  test('returns the verdict apart from the other members, frozen', async () => {
    const config = resolveIntrospection({ clientId: 'rs', clientSecret: 'rs-secret' }, RESOLVED, false);
    const answer = await requestIntrospection(server.endpoint, 'opaque', config, LIMITS, 0);
    expect(answer).toEqual({
      active: true,
      claims: { iss: ISSUER, scope: 'a b', exp: 2_000_000_000, ext: { nested: [1] } },
    });
    expect(Object.isFrozen(answer) && Object.isFrozen(answer.claims)).toBe(true);
  });

  test('gives the strategy the client, the issuer, the endpoint and the clock', async () => {
    const seen: unknown[] = [];
    const config = resolveIntrospection(
      {
        clientId: 'rs',
        clientAuth: (context, body) => {
          seen.push(context);
          body.set('client_id', 'rs');
          body.set('client_secret', 'rs-secret');
        },
      },
      RESOLVED,
      false,
    );
    await requestIntrospection(server.endpoint, 'opaque', config, LIMITS, 1234);
    expect(seen).toEqual([{ clientId: 'rs', issuer: ISSUER, tokenEndpoint: server.endpoint, now: 1234 }]);
  });

  test('turns a failing strategy into a FetchFailedError, without sending anything', async () => {
    const before = server.requests.length;
    const config = resolveIntrospection(
      {
        clientId: 'rs',
        clientAuth: () => {
          throw new Error('key unusable');
        },
      },
      RESOLVED,
      false,
    );
    const error = await requestIntrospection(server.endpoint, 'opaque', config, LIMITS, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchFailedError);
    expect(error).toMatchObject({ message: 'the introspection request could not be authenticated' });
    expect(server.requests.length).toBe(before);
  });
});

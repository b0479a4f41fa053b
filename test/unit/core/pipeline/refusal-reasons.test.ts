// Every refusal carries a stable reason besides its RFC 6750 code: callers and tests match on the reason,
// never on the message. One line per reason the pipeline can give.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { extractBearerToken, type BearerRequest } from '../../../../src/core/bearer/extract.js';
import {
  requireClaim,
  requireRealmRoles,
  requireScopes,
  type TokenCheck,
} from '../../../../src/core/claims/requirements.js';
import { isAuthError, type RefusalReason } from '../../../../src/core/errors.js';
import { createAdmission, type Admission } from '../../../../src/core/pipeline/admission.js';
import { createFakeKey, startFakeProvider, type FakeProvider } from '../../../../src/testing/index.js';
import { claimsFor, craft, nowSeconds, signWithKey } from '../../../helpers/tokens.js';

let idp: FakeProvider;
let down: FakeProvider;
let admission: Admission;
let unreachable: Admission;

beforeAll(async () => {
  [idp, down] = await Promise.all([startFakeProvider(), startFakeProvider()]);
  down.setOutage('refuse');
  admission = createAdmission({
    issuer: idp.issuer,
    audience: 'test-api',
    allowedClients: ['test_api_client'],
    maxTokenAge: 600,
  });
  unreachable = createAdmission({ issuer: down.issuer, audience: 'test-api' });
});
afterAll(async () => {
  await Promise.all([idp.close(), down.close()]);
});

const request = (authorization?: string): BearerRequest => ({
  rawHeaders: authorization === undefined ? [] : ['Authorization', authorization],
  headers: authorization === undefined ? {} : { authorization },
});
const extract = (req: BearerRequest) => extractBearerToken(req, { query: false, body: false });

/** The reason the gate gives for a request, or `admitted`. */
async function reasonFor(
  authorization: string | undefined,
  checks: TokenCheck[] = [],
  on: Admission = admission,
): Promise<RefusalReason | 'admitted'> {
  try {
    await on.gate({ checks }, extract)(request(authorization));
    return 'admitted';
  } catch (error) {
    if (!isAuthError(error)) throw error;
    return error.reason;
  }
}

const bearer = (token: string) => `Bearer ${token}`;
const now = () => nowSeconds();

describe('the reason of each refusal', () => {
  const table: [RefusalReason, () => Promise<string | undefined>, TokenCheck[]?][] = [
    ['missing_credentials', async () => undefined],
    ['invalid_request', async () => 'Bearer '],
    ['malformed', async () => bearer('not-a-jws')],
    ['algorithm', async () => bearer(craft({ alg: 'HS256' }, claimsFor(idp.issuer, now())))],
    ['unsupported_header', async () => bearer(craft({ alg: 'RS256', crit: ['x'] }, claimsFor(idp.issuer, now())))],
    ['issuer', async () => bearer(craft({ alg: 'RS256' }, claimsFor('https://evil.example/realms/x', now())))],
    ['audience', async () => bearer(await idp.mint({ aud: 'other-api' }))],
    ['expired', async () => bearer(await idp.mint({ exp: now() - 3600 }))],
    ['not_yet_valid', async () => bearer(await idp.mint({ nbf: now() + 3600 }))],
    ['issued_in_future', async () => bearer(await idp.mint({ iat: now() + 3600 }))],
    ['too_old', async () => bearer(await idp.mint({ iat: now() - 3600 }))],
    ['claim_type', async () => bearer(await idp.mint({ sub: 1 }))],
    ['not_access_token', async () => bearer(await idp.mint({ typ: 'ID' }))],
    ['client', async () => bearer(await idp.mint({ azp: 'another_client' }))],
    ['sender_constrained', async () => bearer(await idp.mint({ cnf: { jkt: 'abc' } }))],
    ['unknown_kid', async () => bearer(await idp.mint({}, { header: { kid: 'no-such-kid' } }))],
    [
      'signature',
      async () =>
        bearer(
          await signWithKey({ ...(await createFakeKey()), kid: idp.currentKey.kid }, claimsFor(idp.issuer, now())),
        ),
    ],
    ['insufficient_scope', async () => bearer(await idp.mint({ scope: 'email' })), [requireScopes('write')]],
    ['insufficient_role', async () => bearer(await idp.mint()), [requireRealmRoles('admin')]],
    ['claim_check', async () => bearer(await idp.mint()), [requireClaim(() => false)]],
  ];
  for (const [reason, authorization, checks] of table) {
    test(reason, async () => {
      expect(await reasonFor(await authorization(), checks)).toBe(reason);
    });
  }

  test('revoked', async () => {
    const token = await idp.mint();
    await admission.revoke(await admission.verify(token));
    expect(await reasonFor(bearer(token))).toBe('revoked');
  });

  test('provider_unavailable', async () => {
    expect(await reasonFor(bearer(await down.mint()), [], unreachable)).toBe('provider_unavailable');
  });

  test('a valid token is admitted (the table above is not refusing everything)', async () => {
    expect(await reasonFor(bearer(await idp.mint()))).toBe('admitted');
  });
});

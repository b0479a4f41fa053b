// Jest's default mode: CommonJS, its own module loader, no ES module support (jose is bundled in the package's
// CommonJS build, or this file would fail with "Unexpected token 'export'").
const { createAuth, InvalidTokenError } = require('bearer-guard');
const { startFakeProvider } = require('bearer-guard/testing');
const { clientCredentialsGrant, discovery, privateKeyJwt } = require('bearer-guard/client');
const { generateKeyPairSync } = require('node:crypto');

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let idp;
beforeAll(async () => {
  idp = await startFakeProvider({
    clients: [{ clientId: 'signer', publicKey: keys.publicKey, scopes: ['orders:read'] }],
  });
});
afterAll(() => idp.close());

test('a token minted by the kit passes the guard with its scopes', async () => {
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api' });
  const token = await auth.verify(await idp.mint({ scope: 'orders:read' }));
  expect(token.scopes).toEqual(['orders:read']);
});

test('a token for another audience is refused', async () => {
  const auth = createAuth({ issuer: idp.issuer, audience: 'billing-api' });
  await expect(auth.verify(await idp.mint())).rejects.toBeInstanceOf(InvalidTokenError);
});

test("the kit's token endpoint serves a private_key_jwt client", async () => {
  const config = await discovery({
    issuer: idp.issuer,
    clientId: 'signer',
    clientAuth: privateKeyJwt(keys.privateKey),
  });
  const { token } = await clientCredentialsGrant(config, { scopes: ['orders:read'] });
  const verified = await createAuth({ issuer: idp.issuer, audience: 'test-api' }).verify(token);
  expect(verified.clientId).toBe('signer');
});

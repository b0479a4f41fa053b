// Plain CommonJS JavaScript: Express 4, the test kit, the client without axios, the Redis store on the oldest
// ioredis of the peer range. Also run with --no-experimental-require-module, as on Node before 20.19.
const assert = require('node:assert/strict');
const express = require('express');
const { createAuth } = require('bearer-guard');
const { startFakeProvider } = require('bearer-guard/testing');
const {
  clientCredentialsGrant,
  createBearerAxios,
  createTokenSource,
  discovery,
  clientSecretPost,
} = require('bearer-guard/client');
const { RedisRevocationStore } = require('bearer-guard/redis');

async function main() {
  const idp = await startFakeProvider();
  const revocations = await RedisRevocationStore.connect(process.env.REDIS_URL);
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', revocations });
  const app = express();
  app.get('/x', auth.requireAuth('test_api_access'), (req, res) => res.json({ client: req.auth.clientId }));
  app.post('/logout', auth.requireAuth(), async (req, res) => {
    await auth.revoke(req.auth);
    res.json({ revoked: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.on('listening', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  try {
    const config = await discovery({
      issuer: idp.issuer,
      clientId: 'test_api_client',
      clientAuth: clientSecretPost('test_api_client_dev_secret'),
    });
    const { token } = await clientCredentialsGrant(config, { scopes: ['test_api_access'] });
    const bearer = { authorization: `Bearer ${token}` };
    const ok = await fetch(`${url}/x`, { headers: bearer });
    assert.deepEqual([ok.status, await ok.json()], [200, { client: 'test_api_client' }]);
    assert.equal((await fetch(`${url}/logout`, { method: 'POST', headers: bearer })).status, 200);
    assert.equal((await fetch(`${url}/x`, { headers: bearer })).status, 401);
    assert.equal((await fetch(`${url}/x`)).status, 401);
    assert.throws(() => createBearerAxios(createTokenSource(config)), {
      name: 'TypeError',
      message: /needs the "axios" package.*npm i axios/,
    });
    console.log(
      `commonjs: Express 4, client without axios, Redis store on ioredis ${require('ioredis/package.json').version}: ok`,
    );
  } finally {
    server.close();
    await revocations.close();
    await idp.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

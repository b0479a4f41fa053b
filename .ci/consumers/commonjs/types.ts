// A CommonJS TypeScript project (module node16, no "type": "module") on Express 4's own types.
import express = require('express');
import { createAuth } from 'bearer-guard';
import { RedisRevocationStore } from 'bearer-guard/redis';
import { startFakeProvider } from 'bearer-guard/testing';

export async function app(): Promise<express.Express> {
  const idp = await startFakeProvider();
  const revocations = await RedisRevocationStore.connect('redis://127.0.0.1:6379', { onOutage: 'fail-open' });
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', revocations });
  const server = express();
  server.get('/x', auth.requireAuth('test_api_access'), (req, res) => {
    res.json({ sub: req.auth?.payload.sub, scopes: req.auth?.scopes });
  });
  server.use(auth.errorHandler());
  return server;
}

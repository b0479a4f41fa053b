/**
 * The built package as users get it: `npm run build`, then imported from ESM and required from CommonJS
 * (Node ≥ 20.19 loads ESM through require), each in a child process, with the test kit entry point.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A script that verifies a minted token end to end with the package's public entry points. */
const VERIFY_ROUND_TRIP = `
  const idp = await startFakeProvider();
  try {
    const auth = createAuth({ issuer: idp.issuer, audience: 'test-api' });
    const token = await auth.verify(await idp.mint({ sub: 'packaged', scope: 'test_api_access' }));
    console.log(JSON.stringify({ sub: token.payload.sub, scopes: token.scopes, handler: typeof auth.requireAuth('test_api_access') }));
  } finally {
    await idp.close();
  }
`;

async function node(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, args, { cwd: ROOT, timeout: 30_000 });
}

beforeAll(async () => {
  await run('npm', ['run', 'build', '--silent'], { cwd: ROOT, timeout: 120_000 });
}, 130_000);

describe('the built package', () => {
  test('emits JavaScript and declarations for every entry point of package.json#exports', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as {
      exports: Record<string, { types?: string; default?: string } | string>;
    };
    for (const entry of ['.', './testing']) {
      const target = pkg.exports[entry] as { types: string; default: string };
      expect([entry, existsSync(`${ROOT}/${target.default}`), existsSync(`${ROOT}/${target.types}`)]).toEqual([
        entry,
        true,
        true,
      ]);
    }
  });

  test('can be imported from ESM, with the bearer-guard/testing entry', async () => {
    const script = `import { createAuth } from 'bearer-guard'; import { startFakeProvider } from 'bearer-guard/testing';\n${VERIFY_ROUND_TRIP}`;
    const { stdout } = await node(['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual({ sub: 'packaged', scopes: ['test_api_access'], handler: 'function' });
  });

  test('can be required from a CommonJS script by path', async () => {
    const script = `
      const { createAuth, InvalidTokenError } = require(${JSON.stringify(`${ROOT}dist/index.js`)});
      const { startFakeProvider } = require(${JSON.stringify(`${ROOT}dist/testing/index.js`)});
      (async () => { ${VERIFY_ROUND_TRIP}; console.error(typeof InvalidTokenError); })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const { stdout, stderr } = await node(['-e', script]);
    expect(JSON.parse(stdout)).toEqual({ sub: 'packaged', scopes: ['test_api_access'], handler: 'function' });
    expect(stderr).toContain('function');
  });

  test('can be required from CommonJS by package name, bearer-guard/testing included', async () => {
    const script = `
      const { createAuth } = require('bearer-guard');
      const { startFakeProvider } = require('bearer-guard/testing');
      (async () => { ${VERIFY_ROUND_TRIP} })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const { stdout } = await node(['-e', script]);
    expect(JSON.parse(stdout)).toEqual({ sub: 'packaged', scopes: ['test_api_access'], handler: 'function' });
  });

  test('guards a CommonJS Express 4 app', async () => {
    const script = `
      const express = require('express4');
      const { createAuth } = require('bearer-guard');
      const { startFakeProvider } = require('bearer-guard/testing');
      (async () => {
        const idp = await startFakeProvider();
        const auth = createAuth({ issuer: idp.issuer, audience: 'test-api' });
        const app = express();
        app.get('/x', auth.requireAuth('test_api_access'), (req, res) => res.json({ sub: req.auth.payload.sub }));
        const server = app.listen(0, '127.0.0.1');
        await new Promise((r) => server.on('listening', r));
        const url = 'http://127.0.0.1:' + server.address().port + '/x';
        const ok = await fetch(url, { headers: { authorization: 'Bearer ' + (await idp.mint({ sub: 'cjs', scope: 'test_api_access' })) } });
        const refused = await fetch(url, { headers: { authorization: 'Bearer ' + (await idp.mint()) } });
        console.log(JSON.stringify({ ok: [ok.status, await ok.json()], refused: [refused.status, refused.headers.get('www-authenticate')] }));
        server.close();
        await idp.close();
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const { stdout } = await node(['-e', script]);
    expect(JSON.parse(stdout)).toEqual({
      ok: [200, { sub: 'cjs' }],
      refused: [
        403,
        'Bearer realm="api", error="insufficient_scope", error_description="token lacks a required scope (needs all of: test_api_access)", scope="test_api_access"',
      ],
    });
  });
});

/**
 * The built package as users get it: `npm run build`, then imported from ESM and required from CommonJS, each
 * in a child process, with the test kit entry point; the command line on plain Node; what `npm pack` ships.
 * (.ci/consumers.sh goes further: the packed tarball installed in fresh projects.)
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
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

/** Runs the built command line; resolves with its exit code instead of rejecting on a non-zero one. */
async function bin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return node(['dist/cli/main.js', ...args]).then(
    (result) => ({ code: 0, ...result }),
    ({ code, stdout, stderr }: { code: number; stdout: string; stderr: string }) => ({ code, stdout, stderr }),
  );
}

/** The files `npm pack` puts in the tarball. */
async function packedFiles(): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return packed.files.map((f) => f.path);
}

type Conditions = Record<'import' | 'require', { types: string; default: string }>;
const PACKAGE = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as {
  version: string;
  exports: Record<string, Conditions | string>;
  bin: Record<string, string>;
};

beforeAll(async () => {
  await run('npm', ['run', 'build', '--silent'], { cwd: ROOT, timeout: 120_000 });
}, 130_000);

describe('the built package', () => {
  test('emits ES module and CommonJS code with declarations for every entry point of package.json#exports', () => {
    const subpaths = Object.entries(PACKAGE.exports).filter(([subpath]) => subpath !== './package.json');
    expect(subpaths.map(([subpath]) => subpath)).toEqual([
      '.',
      './client',
      './testing',
      './redis',
      './fastify',
      './rate-limit',
      './rate-limit/fastify',
    ]);
    const missing = subpaths.flatMap(([, conditions]) =>
      Object.values(conditions as Conditions)
        .flatMap((files) => [files.types, files.default])
        .filter((file) => !existsSync(`${ROOT}/${file}`)),
    );
    expect(missing).toEqual([]);
  });

  test('ships the build and the documents only: no source maps, no demo server, no build info', async () => {
    const files = await packedFiles();
    const documents = /^(package\.json|README\.md|LICENSE|keycloak\/README\.md|docs\/[\w-]+\.md)$/;
    expect(files.filter((f) => !f.startsWith('dist/') && !documents.test(f))).toEqual([]);
    expect(files.filter((f) => /\.map$|tsbuildinfo|^dist\/demo\//.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist/cli/main.js']));
  });

  test('has documents whose links stay inside the package and the repository', async () => {
    const files = await packedFiles();
    const documents = files.filter((f) => f.endsWith('.md'));
    const broken = documents.flatMap((document) =>
      [...readFileSync(`${ROOT}/${document}`, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1]!.split('#')[0]!)
        .filter((target) => target !== '')
        .map((target) => ({ document, target, path: posix.normalize(posix.join(posix.dirname(document), target)) }))
        .filter(({ path }) => /^[a-z]+:/i.test(path) || path.startsWith('..') || !files.includes(path)),
    );
    expect(broken).toEqual([]);
  });

  test("imports a framework's types only in that framework's entry, both flavours of declarations", () => {
    const imported = (file: string) =>
      [...readFileSync(`${ROOT}/${file}`, 'utf8').matchAll(/^(?:import|export)\b[^;]*? from '([^'.][^']*)'/gm)].map(
        (m) => m[1],
      );
    const frameworks = (subpath: string) =>
      (['import', 'require'] as const).flatMap((flavour) =>
        imported((PACKAGE.exports[subpath] as Conditions)[flavour].types).filter((name) =>
          /^(express|fastify)/.test(name!),
        ),
      );
    expect(['.', './client', './testing', './redis'].flatMap(frameworks)).toEqual([]);
    expect(frameworks('./fastify')).toEqual(['fastify', 'fastify']);
    // The limiters are optional peers: only the rate-limit entries name them.
    expect(frameworks('./rate-limit')).toEqual(['express-rate-limit', 'express-rate-limit']);
    expect(frameworks('./rate-limit/fastify')).toEqual(['fastify', 'fastify']);
  });

  test('can be imported from ESM, with the bearer-guard/testing entry', async () => {
    const script = `import { createAuth } from 'bearer-guard'; import { startFakeProvider } from 'bearer-guard/testing';\n${VERIFY_ROUND_TRIP}`;
    const { stdout } = await node(['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual({ sub: 'packaged', scopes: ['test_api_access'], handler: 'function' });
  });

  test('can be required from a CommonJS script by path', async () => {
    const script = `
      const { createAuth, InvalidTokenError } = require(${JSON.stringify(`${ROOT}dist/index.cjs`)});
      const { startFakeProvider } = require(${JSON.stringify(`${ROOT}dist/testing/index.cjs`)});
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

  test('loads from CommonJS where require cannot load ES modules (Node before 20.19, Jest), jose included', async () => {
    const script = `
      const { createAuth } = require('bearer-guard');
      const { startFakeProvider } = require('bearer-guard/testing');
      require('bearer-guard/client');
      (async () => { ${VERIFY_ROUND_TRIP} })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const { stdout } = await node(['--no-experimental-require-module', '-e', script]);
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

  describe('the bearer-guard command, on plain Node', () => {
    test("is the package's bin, an executable ES module with a shebang", () => {
      expect(PACKAGE.bin).toEqual({ 'bearer-guard': './dist/cli/main.js' });
      expect(readFileSync(`${ROOT}/dist/cli/main.js`, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    });

    test('prints its usage and exit codes on stdout for --help, exit 0', async () => {
      const result = await bin(['--help']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: bearer-guard <command> \[options\]/);
      expect(result.stdout).toContain('4  credentials refused');
    });

    test('prints the package version, as JSON with --json', async () => {
      await expect(bin(['--version'])).resolves.toEqual({ code: 0, stdout: `${PACKAGE.version}\n`, stderr: '' });
      await expect(bin(['--version', '--json'])).resolves.toMatchObject({
        stdout: `${JSON.stringify({ version: PACKAGE.version })}\n`,
      });
    });

    test('reports a usage error on stderr only, exit 2', async () => {
      await expect(bin(['frobnicate'])).resolves.toEqual({
        code: 2,
        stdout: '',
        stderr: 'error: unknown command "frobnicate"\nrun "bearer-guard --help" for usage\n',
      });
    });
  });
});

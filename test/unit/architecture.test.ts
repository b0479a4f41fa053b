// The dependency rules of the layout (README "Layout", shared/style.md): checked on the import lines of src/.
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = new URL('../../src/', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  return readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|import\('([^']+)'\)/gm),
  ].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** The folder an import lands in, relative to src/ (`core`, `express`, …), or the package name. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier.startsWith('node:') ? 'node' : specifier.split('/')[0]!;
  const resolved = relative(SRC, join(SRC, file, '..', specifier));
  return resolved.includes('/') ? resolved.split('/')[0]! : '.';
}

const RULES: Record<string, ReadonlySet<string>> = {
  core: new Set(['core', 'node', 'jose', 'lru-cache']),
  express: new Set(['core', 'express', 'node']),
  fastify: new Set(['core', 'fastify', 'fastify-plugin', 'node']),
  client: new Set(['client', 'node', 'axios', 'jose']),
  redis: new Set(['redis', 'core', 'ioredis', 'node']),
  testing: new Set(['testing', 'core', 'node', 'jose']),
  demo: new Set(['demo', 'express', 'fastify', '.', 'redis', 'node']),
};

/**
 * Single files a folder may import beyond its rule. The client checks its URLs with the guard's one URL rule
 * (a URL rule per folder would drift apart); that file imports Node built-ins only, checked below.
 */
const SHARED_FILES: Record<string, ReadonlySet<string>> = {
  client: new Set(['core/url-policy.ts']),
};

function landsOnFile(file: string, specifier: string): string {
  return relative(SRC, join(SRC, file, '..', specifier)).replace(/\.js$/, '.ts');
}

describe('dependency rules of src/', () => {
  for (const [folder, allowed] of Object.entries(RULES)) {
    test(`${folder}/ imports only ${[...allowed, ...(SHARED_FILES[folder] ?? [])].join(', ')}`, () => {
      const offending = filesUnder(folder).flatMap((file) =>
        importsOf(file)
          .map((specifier) => ({ file, specifier, lands: target(file, specifier) }))
          .filter(({ lands }) => !allowed.has(lands === folder ? folder : lands))
          .filter(({ specifier }) => !SHARED_FILES[folder]?.has(landsOnFile(file, specifier))),
      );
      expect(offending).toEqual([]);
    });
  }

  test('a file shared beyond its folder imports Node built-ins only', () => {
    const shared = [...new Set(Object.values(SHARED_FILES).flatMap((files) => [...files]))];
    expect(shared.flatMap((file) => importsOf(file).filter((specifier) => !specifier.startsWith('node:')))).toEqual([]);
  });

  test('the rules cover every folder of src/', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(RULES).sort());
  });
});

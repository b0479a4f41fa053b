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

// shared/ holds what both the guard and the client need (the URL rule, the unknown-option check, client
// authentication at the provider) and depends on neither.
const RULES: Record<string, ReadonlySet<string>> = {
  // @opentelemetry/api: imported on demand, only when the application asks for metrics (an optional peer).
  core: new Set(['core', 'shared', 'node', 'jose', 'lru-cache', '@opentelemetry']),
  express: new Set(['core', 'shared', 'express', 'node']),
  fastify: new Set(['core', 'shared', 'fastify', 'fastify-plugin', 'node']),
  client: new Set(['client', 'shared', 'node', 'axios', 'jose', 'undici']),
  // The command line is a user of the client's public entry (and the one URL rule), nothing else: it ships as
  // the package's binary.
  cli: new Set(['cli', 'client', 'shared', 'node']),
  redis: new Set(['redis', 'core', 'shared', 'ioredis', 'node']),
  testing: new Set(['testing', 'core', 'shared', 'node', 'jose']),
  // Rate limits are the ecosystem's limiters, keyed by the verified token; each framework's from its own entry.
  'rate-limit': new Set(['rate-limit', 'core', 'shared', 'express-rate-limit', '@fastify', 'fastify', 'node']),
  demo: new Set([
    'demo',
    'express',
    'fastify',
    '.',
    'redis',
    'rate-limit',
    'rate-limit-redis',
    '@fastify',
    'ioredis',
    'node',
  ]),
  shared: new Set(['shared', 'node', 'fastest-levenshtein', 'jose']),
};

describe('dependency rules of src/', () => {
  for (const [folder, allowed] of Object.entries(RULES)) {
    test(`${folder}/ imports only ${[...allowed].join(', ')}`, () => {
      const offending = filesUnder(folder).flatMap((file) =>
        importsOf(file)
          .map((specifier) => ({ file, specifier, lands: target(file, specifier) }))
          .filter(({ lands }) => !allowed.has(lands === folder ? folder : lands)),
      );
      expect(offending).toEqual([]);
    });
  }

  test('the rules cover every folder of src/', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(RULES).sort());
  });
});

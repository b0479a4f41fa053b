// The published build (`npm run build`, also run by `prepare` and `npm pack`): every subpath of
// package.json#exports as an ES module and as CommonJS, each with its declarations (.d.ts / .d.cts), plus the
// `bearer-guard` command. The demo server is not part of the package (`npm run build:demo` builds it apart).
import { defineConfig, type Options } from 'tsup';

/** One entry per subpath of package.json#exports; only the public barrels. */
const library = {
  index: 'src/index.ts',
  'client/index': 'src/client/index.ts',
  'testing/index': 'src/testing/index.ts',
  'redis/index': 'src/redis/index.ts',
  'fastify/index': 'src/fastify/index.ts',
  'rate-limit/index': 'src/rate-limit/index.ts',
  'rate-limit/fastify': 'src/rate-limit/fastify.ts',
};

const shared: Options = {
  outDir: 'dist',
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  // Code shared by several entries lives in one chunk, so an error class is the same class whichever subpath
  // it is imported from.
  splitting: true,
  // No source maps: they would point at src/, which is not shipped.
  sourcemap: false,
  dts: { entry: library },
  esbuildOptions(options) {
    // The files that only declare `req.auth` / `request.auth` for TypeScript are imported for their types and
    // hold no code: that esbuild drops them (sideEffects: false) is right, not worth a warning.
    options.logOverride = { ...options.logOverride, 'ignored-bare-import': 'silent' };
  },
};

export default defineConfig([
  {
    ...shared,
    // ES modules: every dependency is imported from the app's node_modules.
    entry: { ...library, 'cli/main': 'src/cli/main.ts' },
    format: 'esm',
  },
  {
    ...shared,
    // CommonJS: jose is ESM-only, so it is bundled in (Node < 20.19, Jest's CommonJS mode and bundlers cannot
    // require it); `import.meta.url` (the axios loader) gets its CommonJS equivalent.
    entry: library,
    format: 'cjs',
    noExternal: ['jose'],
    // Its types stay imported from jose: scripts/cjs-declarations.mjs marks those imports as ES module ones.
    shims: true,
    // tsup makes CommonJS chunks from ES module ones with sucrase, which mistranslates a class field next to a
    // `super()` call; with class fields lowered by esbuild first, there are none left for it.
    esbuildOptions(options, context) {
      shared.esbuildOptions?.(options, context);
      options.supported = { ...options.supported, 'class-field': false };
    },
  },
]);

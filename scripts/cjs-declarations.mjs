// The last step of `npm run build`, after tsup. The CommonJS declaration files (dist/**/*.d.cts) import types
// from jose, an ES module only package, which a CommonJS declaration may not do plainly (TS1479 in every
// CommonJS TypeScript project that checks its libraries). Those imports become type-only imports resolved as ES
// module imports (`resolution-mode`, TypeScript 5.3 and newer); bare `import 'jose'` lines, which declarations
// do not need, go. Fails when a jose import has another form, so a new one is never shipped unnoticed.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIST = new URL('../dist/', import.meta.url).pathname;

function declarationFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return entry.name.endsWith('.d.cts') ? [path] : [];
  });
}

let changed = 0;
for (const file of declarationFiles(DIST)) {
  const before = readFileSync(file, 'utf8');
  const after = before
    .replace(/^import 'jose';\n/gm, '')
    .replace(
      /^import \{([^}]+)\} from 'jose';$/gm,
      "import type {$1} from 'jose' with { 'resolution-mode': 'import' };",
    );
  const left = after.split('\n').filter((line) => /from 'jose'/.test(line) && !line.includes('resolution-mode'));
  if (left.length > 0) throw new Error(`${file}: a jose import this step does not know: ${left.join(' | ')}`);
  if (after !== before) {
    writeFileSync(file, after);
    changed++;
  }
}
console.log(`cjs-declarations: jose imports marked as ES module imports in ${changed} .d.cts files`);

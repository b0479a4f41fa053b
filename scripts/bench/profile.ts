/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from `npm run bench -- --profile`): where the
 * server's time went, by area (our code, express, jose, node internals, GC...) and by function, self and
 * inclusive.
 *
 *   npx tsx scripts/bench/profile.ts <file.cpuprofile> [--top N] [--filter TEXT]
 *
 * `--filter` keeps only the functions whose name or file contains TEXT (e.g. `dist/core`).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, filter: { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: npx tsx scripts/bench/profile.ts <file.cpuprofile> [--top N] [--filter TEXT]\n');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

/** Where a function lives, coarsely. */
function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)' || functionName === '(program)') return functionName;
    return `native ${functionName || '(anonymous)'}`.startsWith('native (') ? functionName : 'native/builtins';
  }
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/dist\/(.+?)\/[^/]+\.js$/.exec(url);
  if (ours) return `bearer-guard dist/${ours[1]}`;
  if (url.includes('/scripts/bench/')) return 'bench server';
  return url;
}

function label(frame: CallFrame): string {
  const where = frame.url
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/(dist|scripts)\//, '$1/')
    .replace(/^file:\/\//, '');
  return `${frame.functionName || '(anonymous)'} ${where ? `${where}:${frame.lineNumber + 1}` : ''}`.trim();
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const areas = new Map<string, number>();
let total = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  const node = byId.get(profile.samples[i]!);
  if (!node) continue;
  total += dt;
  if (node.callFrame.functionName === '(idle)') idle += dt;
  const key = label(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + dt);
  const a = area(node.callFrame);
  areas.set(a, (areas.get(a) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const k = label(byId.get(id)!.callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
}

const busy = total - idle;
const fmt = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / busy).toFixed(1).padStart(5)}%`;
const keep = (k: string) => values.filter === undefined || k.includes(values.filter);
const print = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of [...map]
    .filter(([k]) => keep(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    process.stdout.write(`  ${fmt(v)}  ${k}\n`);
  }
};

process.stdout.write(
  `${file}\n  ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of busy time)\n`,
);
print('By area (self time)', areas);
print('By function, self time', self);
print('By function, inclusive time', inclusive);

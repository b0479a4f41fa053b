import { expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { ROOT, TSX } from '../../helpers/cli.js';

/** Runs the fixture in its own process: the test runner's `process` is a sandbox that never sees rejections. */
function runFixture(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['test/unit/express/fixtures/watch-unhandled.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

test('failing decorated methods, later middleware and claim predicates leave no unhandled rejection on Express 5 or 4', async () => {
  const { code, output } = await runFixture();
  expect(output).not.toContain('unhandled rejection');
  const routes = ['/throws', '/rejects', '/arrow-throws', '/downstream-throws', '/claim-promise'];
  expect(output.trim().split('\n').slice(-11)).toEqual([
    ...routes.map((route) => `express5 ${route} 500`),
    ...routes.map((route) => `express4 ${route} 500`),
    'done',
  ]);
  expect(code).toBe(0);
});

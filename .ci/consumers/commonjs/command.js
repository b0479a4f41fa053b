// The bearer-guard command as npx runs it from the installed package: help, a token from the test kit's
// provider, and `call` without axios (a usage error, exit 2).
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { startFakeProvider } = require('bearer-guard/testing');

/** Runs the command without blocking this process, which serves the provider it talks to. */
const npx = (...args) =>
  new Promise((resolve) => {
    execFile('npx', ['--no-install', 'bearer-guard', ...args], (error, stdout, stderr) =>
      resolve({ status: error ? error.code : 0, stdout, stderr }),
    );
  });

async function main() {
  const help = await npx('--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: bearer-guard <command>/);
  assert.match(help.stdout, /Exit codes:/);
  const idp = await startFakeProvider();
  try {
    const token = await npx('token', '--issuer', idp.issuer, '--json');
    assert.equal(token.status, 0, token.stderr);
    assert.equal(JSON.parse(token.stdout).token_type, 'Bearer');
    const call = await npx('call', `${idp.issuer}/anything`, '--issuer', idp.issuer);
    assert.equal(call.status, 2, call.stderr);
    assert.match(call.stderr, /needs the "axios" package/);
    assert.equal(call.stdout, '');
    console.log('commonjs: npx bearer-guard --help, token, and call without axios (exit 2): ok');
  } finally {
    await idp.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

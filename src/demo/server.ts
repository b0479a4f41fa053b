import type { AddressInfo } from 'node:net';
import { createDemoApp } from './app.js';
import { readSettings, SettingsError } from './settings.js';

function fail(message: string): never {
  console.error(`demo server: ${message}`);
  process.exit(2);
}

let settings;
try {
  settings = readSettings(process.env);
} catch (error) {
  fail(error instanceof SettingsError ? error.message : String(error));
}
if (settings.redisUrl !== undefined) {
  fail('REDIS_URL is set, but this build keeps revocations in memory only');
}
if (settings.audience === false) {
  console.warn('demo server: WARNING: AUDIENCE=none turns the audience check off: any token of the realm passes');
}

let app;
try {
  app = createDemoApp(settings);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const server = app.listen(settings.port, settings.host);
server.on('listening', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`demo server listening on http://${settings.host}:${port} (issuer ${settings.issuerUrl}, audience ${settings.audience === false ? 'none' : settings.audience})`);
});
server.on('error', (error: NodeJS.ErrnoException) => {
  fail(`cannot listen on ${settings.host}:${settings.port}: ${error.code ?? error.message}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

import { describe, expect, test } from '@jest/globals';
import { readSettings, SettingsError } from '../../../src/demo/settings.js';

describe('readSettings (shared/demo-contract.md)', () => {
  test('RESOURCE is an origin as written, defaulting to http://HOST:PORT (an IPv6 host in brackets)', () => {
    expect(readSettings({ RESOURCE: 'https://api.example.com' }).resource).toBe('https://api.example.com');
    expect(readSettings({ RESOURCE: 'http://localhost:50100' }).resource).toBe('http://localhost:50100');
    expect(readSettings({ HOST: '::1', PORT: '8000' }).resource).toBe('http://[::1]:8000');
    for (const bad of [
      'https://api.example.com/',
      'https://api.example.com/v1',
      'https://api.example.com?x',
      'https://api.example.com#x',
      'ftp://api.example.com',
      'https://user@api.example.com',
      'HTTPS://API.example.com',
      'api.example.com',
    ]) {
      expect(() => readSettings({ RESOURCE: bad })).toThrow(SettingsError);
      expect(() => readSettings({ RESOURCE: bad })).toThrow(`RESOURCE must be an origin`);
    }
  });

  test('defaults to the contract: localhost issuer, audience test-api, 127.0.0.1:50100, no Redis, fail closed', () => {
    expect(readSettings({})).toEqual({
      issuerUrl: 'http://localhost:8080/realms/myorg',
      audience: 'test-api',
      discoveryUrl: 'http://localhost:8080/realms/myorg',
      host: '127.0.0.1',
      port: 50100,
      redisUrl: undefined,
      redisOnOutage: 'fail-closed',
      framework: 'express',
      resource: 'http://127.0.0.1:50100',
      dpopNonce: false,
    });
  });

  test('takes every setting from the environment; DISCOVERY_URL defaults to ISSUER_URL', () => {
    const env = {
      ISSUER_URL: 'https://sso.example.com/realms/a',
      AUDIENCE: 'api',
      HOST: '0.0.0.0',
      PORT: '8000',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_ON_OUTAGE: 'fail-open',
      FRAMEWORK: 'fastify',
    };
    expect(readSettings(env)).toEqual({
      issuerUrl: 'https://sso.example.com/realms/a',
      audience: 'api',
      discoveryUrl: 'https://sso.example.com/realms/a',
      host: '0.0.0.0',
      port: 8000,
      redisUrl: 'redis://127.0.0.1:6379',
      redisOnOutage: 'fail-open',
      framework: 'fastify',
      resource: 'http://0.0.0.0:8000',
      dpopNonce: false,
    });
    expect(readSettings({ ...env, DISCOVERY_URL: 'http://keycloak:8080/realms/a' }).discoveryUrl).toBe(
      'http://keycloak:8080/realms/a',
    );
  });

  test('RESOURCE is an origin alone; DPOP_NONCE is on or off; anything else is a bad setting', () => {
    expect(readSettings({ RESOURCE: 'https://api.example.com', DPOP_NONCE: 'on' })).toMatchObject({
      resource: 'https://api.example.com',
      dpopNonce: true,
    });
    for (const resource of ['https://api.example.com/', 'https://api.example.com/v1', 'ftp://x', 'api.example.com'])
      expect(() => readSettings({ RESOURCE: resource })).toThrow(SettingsError);
    expect(() => readSettings({ DPOP_NONCE: 'yes' })).toThrow('DPOP_NONCE must be on or off, got "yes"');
  });

  test('AUDIENCE=none (any case) turns the audience check off', () => {
    expect(readSettings({ AUDIENCE: 'none' }).audience).toBe(false);
    expect(readSettings({ AUDIENCE: 'NONE' }).audience).toBe(false);
  });

  test.each([
    ['ISSUER_URL', 'not a url', 'ISSUER_URL must be a URL, got "not a url"'],
    ['ISSUER_URL', 'ftp://x/realms/a', 'ISSUER_URL must be an http(s) URL, got "ftp://x/realms/a"'],
    ['DISCOVERY_URL', 'keycloak:8080', 'DISCOVERY_URL must be an http(s) URL, got "keycloak:8080"'],
    ['PORT', 'eighty', 'PORT must be a port number (0-65535), got "eighty"'],
    ['PORT', '70000', 'PORT must be a port number (0-65535), got "70000"'],
    [
      'REDIS_URL',
      'http://127.0.0.1:6379',
      'REDIS_URL must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"',
    ],
    ['REDIS_ON_OUTAGE', 'maybe', 'REDIS_ON_OUTAGE must be fail-closed or fail-open, got "maybe"'],
    ['FRAMEWORK', 'koa', 'FRAMEWORK must be express or fastify, got "koa"'],
  ])('refuses %s=%j with a clear message', (name, value, message) => {
    expect(() => readSettings({ [name]: value })).toThrow(new SettingsError(message));
  });
});

import { describe, expect, test } from '@jest/globals';
import { buildSecurityDocument } from '../../../../src/core/openapi/document.js';
import { generateSecurityDocument } from '../../../../src/core/openapi/generate.js';
import { mergeOpenApi } from '../../../../src/core/openapi/merge.js';
import { NO_REQUIREMENT } from '../../../../src/core/pipeline/guard-registry.js';

const fragment = buildSecurityDocument({
  routes: [
    { method: 'get', path: '/a', requirement: { ...NO_REQUIREMENT, scopes: ['read'] } },
    { method: 'post', path: '/b', requirement: { ...NO_REQUIREMENT, anyScopes: ['x', 'y'], scopes: ['read'] } },
    { method: 'get', path: '/c', requirement: { ...NO_REQUIREMENT, optional: true } },
    {
      method: 'get',
      path: '/d',
      requirement: { ...NO_REQUIREMENT, realmRoles: ['admin'], clientRoles: { api: ['writer'], other: [] } },
    },
  ],
  tokenUrl: 'https://idp.example/token',
  schemeName: 'oauth2',
  scopeDescriptions: { read: 'read things' },
  openIdConnect: { schemeName: 'openIdConnect', url: 'https://idp.example/.well-known/openid-configuration' },
});

describe('buildSecurityDocument', () => {
  test('lists the union of the scopes, described where the user described them', () => {
    expect(fragment.components.securitySchemes.oauth2).toEqual({
      type: 'oauth2',
      flows: {
        clientCredentials: { tokenUrl: 'https://idp.example/token', scopes: { read: 'read things', x: 'x', y: 'y' } },
      },
    });
    expect(fragment.components.securitySchemes.openIdConnect).toEqual({
      type: 'openIdConnect',
      openIdConnectUrl: 'https://idp.example/.well-known/openid-configuration',
    });
  });

  test('makes one alternative per one-of scope, each with the mandatory scopes', () => {
    expect(fragment.paths['/b']!.post!.security).toEqual([{ oauth2: ['read', 'x'] }, { oauth2: ['read', 'y'] }]);
  });

  test('lets anonymous callers through an optional guard with an empty requirement', () => {
    expect(fragment.paths['/c']!.get!.security).toEqual([{}, { oauth2: [] }]);
  });

  test('names realm and client roles in x-required-roles, and only where there are some', () => {
    expect(fragment.paths['/d']!.get!['x-required-roles']).toEqual({ realm: ['admin'], client: { api: ['writer'] } });
    expect(fragment.paths['/a']!.get!['x-required-roles']).toBeUndefined();
  });
});

describe('mergeOpenApi', () => {
  const mine = {
    openapi: '3.1.0',
    info: { title: 'mine', version: '1' },
    security: [{ apiKey: [] }],
    components: { securitySchemes: { oauth2: { type: 'http', scheme: 'bearer' } } },
    paths: { '/a': { get: { summary: 'A', security: [] }, put: { summary: 'put A' } } },
  };

  test("keeps the user's schemes, operations, security and top-level members, and adds what is missing", () => {
    const merged = mergeOpenApi(mine, fragment);
    expect(merged.components.securitySchemes.oauth2).toEqual({ type: 'http', scheme: 'bearer' });
    expect(merged.components.securitySchemes.openIdConnect).toBeDefined();
    expect(merged.security).toEqual([{ apiKey: [] }]);
    expect(merged.paths['/a']).toEqual({ get: { summary: 'A', security: [] }, put: { summary: 'put A' } });
    expect(merged.paths['/b']!.post!.security).toHaveLength(2);
  });

  test('does not change the document it is given', () => {
    const before = structuredClone(mine);
    mergeOpenApi(mine, fragment);
    expect(mine).toEqual(before);
  });

  test('adds components and paths to a document that has none', () => {
    const merged = mergeOpenApi({ openapi: '3.0.3', info: { title: 't', version: '1' } }, fragment);
    expect(Object.keys(merged.paths)).toEqual(['/a', '/b', '/c', '/d']);
  });

  test.each([
    ['not an object', 'nope'],
    ['no openapi version', { info: {} }],
    ['OpenAPI 2', { swagger: '2.0', openapi: '2.0' }],
    ['paths not an object', { openapi: '3.1.0', paths: [] }],
  ])('refuses a document with %s', (_what, document) => {
    expect(() => mergeOpenApi(document as object, fragment)).toThrow(TypeError);
  });
});

describe('generateSecurityDocument options', () => {
  const provider = {
    discoveryDocumentUrl: 'https://idp.example/.well-known/openid-configuration',
    allowInsecureHttp: false,
    tokenEndpoint: () => Promise.reject(new Error('not asked')),
  };

  test('uses a given tokenUrl without asking the provider', async () => {
    const doc = await generateSecurityDocument([], { tokenUrl: 'https://idp.example/t' }, provider);
    expect(doc.components.securitySchemes.oauth2).toMatchObject({
      flows: { clientCredentials: { tokenUrl: 'https://idp.example/t' } },
    });
  });

  test('skips methods that are not OpenAPI operations and a second guard on the same operation', async () => {
    const routes = [
      { method: '_all', path: '/x', requirement: NO_REQUIREMENT },
      { method: 'get', path: '/x', requirement: { ...NO_REQUIREMENT, scopes: ['one'] } },
      { method: 'get', path: '/x', requirement: { ...NO_REQUIREMENT, scopes: ['two'] } },
    ];
    const doc = await generateSecurityDocument(routes, { tokenUrl: 'https://idp.example/t' }, provider);
    expect(doc.paths).toEqual({ '/x': { get: { security: [{ oauth2: ['one'] }] } } });
  });

  test.each([
    ['an unknown option', { tokenUrI: 'https://idp.example/t' }, /tokenUrI/],
    ['a plain-http tokenUrl', { tokenUrl: 'http://idp.example/t' }, /tokenUrl/],
    ['a scheme name with spaces', { tokenUrl: 'https://idp.example/t', schemeName: 'my scheme' }, /schemeName/],
    [
      'a description that is not a string',
      { tokenUrl: 'https://i.example/t', scopeDescriptions: { a: 1 } },
      /scopeDesc/,
    ],
    ['options that are not an object', 'fast', /object/],
  ])('refuses %s', async (_what, options, message) => {
    await expect(generateSecurityDocument([], options as never, provider)).rejects.toThrow(message);
  });
});

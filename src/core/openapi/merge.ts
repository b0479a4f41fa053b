import type { SecurityDocument } from './document.js';

/** The path-item members that are operations (OpenAPI 3.1 §4.8.9). */
export const OPERATION_METHODS: ReadonlySet<string> = new Set([
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
]);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function objectAt(parent: Json, key: string, where: string): Json {
  const value = parent[key];
  if (value === undefined) return (parent[key] = {});
  if (!isObject(value)) throw new TypeError(`the document's ${where} must be an object`);
  return value;
}

/**
 * Merges the guards' security fragment into a user's OpenAPI 3.x document, returning a new document (the
 * argument is not changed). What the user wrote wins: a security scheme of the same name, an operation's own
 * `security` or `x-required-roles`, every other member and the document's top-level `security` are kept; only
 * what is missing is added, so operations the user did not document yet appear with their security alone.
 *
 * @example
 * const document = mergeOpenApi(myDocument, await auth.openapi())
 */
export function mergeOpenApi<D extends object>(document: D, fragment: SecurityDocument): D & SecurityDocument {
  if (!isObject(document)) throw new TypeError('the OpenAPI document must be an object');
  if (typeof document.openapi !== 'string' || !/^3\.[01]\.\d+/.test(document.openapi)) {
    throw new TypeError('the OpenAPI document must declare "openapi": "3.0.x" or "3.1.x"');
  }
  const merged = structuredClone(document) as Json;
  const schemes = objectAt(objectAt(merged, 'components', 'components'), 'securitySchemes', 'securitySchemes');
  for (const [name, scheme] of Object.entries(fragment.components.securitySchemes)) {
    if (!(name in schemes)) schemes[name] = structuredClone(scheme);
  }
  const paths = objectAt(merged, 'paths', 'paths');
  for (const [path, operations] of Object.entries(fragment.paths)) {
    const item = objectAt(paths, path, `path "${path}"`);
    for (const [method, secured] of Object.entries(operations)) {
      const operation = objectAt(item, method, `operation ${method.toUpperCase()} ${path}`);
      for (const [key, value] of Object.entries(secured)) {
        if (!(key in operation)) operation[key] = structuredClone(value);
      }
    }
  }
  return merged as D & SecurityDocument;
}

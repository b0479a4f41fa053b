import type { RouteOptions } from 'fastify';
import type { GuardedRoute } from '../core/openapi/document.js';
import { openApiPath } from '../core/openapi/generate.js';
import type { GuardRequirement } from '../core/pipeline/guard-registry.js';

/** The hooks a guard may be placed in (the token body source needs `preHandler`). */
const GUARD_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;

/**
 * The documented operations of one route seen by `onRoute`: one per method, when one of its hooks is a guard of
 * this `Auth`. HEAD routes are left out: Fastify adds one beside every GET by itself.
 */
export function guardedRoute(
  route: RouteOptions,
  requirementOf: (hook: unknown) => GuardRequirement | undefined,
): GuardedRoute[] {
  const hooks = GUARD_HOOKS.flatMap((name) => {
    const value: unknown = route[name];
    return Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  });
  const requirement = hooks.map(requirementOf).find((r) => r !== undefined);
  if (requirement === undefined) return [];
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return methods
    .map((method) => method.toLowerCase())
    .filter((method) => method !== 'head')
    .map((method) => ({ method, path: openApiPath(route.url), requirement }));
}

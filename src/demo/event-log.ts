import type { AuthEvent } from '../index.js';

/**
 * One log line per library event. Events carry no token, key or secret (the library guarantees it), so each
 * is printed whole: what happened first, then its fields as JSON.
 */
export function eventLine(event: AuthEvent): string {
  const { type, ...fields } = event;
  return `demo server: ${type} ${JSON.stringify(fields)}`;
}

// A CommonJS module of the same app (TypeScript's node16/nodenext CommonJS): its imports are require calls and
// must find the package's CommonJS declarations (else TS1479).
import { createAuth, type ExpressHandler } from 'bearer-guard';

export function commonJsGuard(issuer: string): ExpressHandler {
  return createAuth({ issuer, audience: 'test-api' }).requireAuth('test_api_access');
}

// jest globalSetup of the integration project (see keycloak-env.ts for which Keycloak it picks).
// Plain ESM on purpose: jest loads global setup outside its module system, so the moduleNameMapper that maps
// our `.js` imports onto `.ts` files does not apply there; tsx resolves and compiles the TypeScript instead.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { setUpKeycloak } = await tsImport('./keycloak-env.ts', import.meta.url);
  await setUpKeycloak();
}

// jest globalTeardown of the integration project: stops the Keycloak that global-setup.mjs started, if any.
import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { tearDownKeycloak } = await tsImport('./keycloak-env.ts', import.meta.url);
  await tearDownKeycloak();
}

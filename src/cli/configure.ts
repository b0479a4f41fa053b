/**
 * Turns the command line's provider options into a client configuration.
 */
import { createConfiguration, discovery } from '../client/index.js';
import type { ClientConfiguration } from '../client/index.js';
import type { CommonArgs } from './args.js';
import { certificateFor, clientAuthFor } from './credentials.js';
import type { Io } from './credentials.js';

/**
 * Builds the configuration: with `--token-endpoint` no discovery happens (the issuer is then only the
 * private_key_jwt audience); otherwise the token endpoint is discovered from `--issuer`. A given
 * `revocationEndpoint` (`revoke --revocation-endpoint`) replaces the discovered one.
 */
export async function configure(args: CommonArgs, io: Io, revocationEndpoint?: string): Promise<ClientConfiguration> {
  const clientCertificate = await certificateFor(args);
  const settings = {
    ...(clientCertificate === undefined ? {} : { clientCertificate }),
    clientId: args.clientId,
    clientAuth: await clientAuthFor(args, io),
    timeoutMs: args.timeoutMs,
    allowInsecureHttp: args.allowInsecureHttp,
  };
  const explicit = revocationEndpoint === undefined ? {} : { revocationEndpoint };
  if (args.tokenEndpoint !== undefined) {
    return createConfiguration({ ...settings, ...explicit, issuer: args.issuer, tokenEndpoint: args.tokenEndpoint });
  }
  const discovered = await discovery({ ...settings, issuer: args.issuer });
  return revocationEndpoint === undefined
    ? discovered
    : createConfiguration({ ...settings, ...explicit, issuer: args.issuer, tokenEndpoint: discovered.tokenEndpoint });
}

/**
 * Turns the command line's provider options into a client configuration.
 */
import { createConfiguration, discovery } from '../../src/client/index.js'
import type { ClientConfiguration } from '../../src/client/index.js'
import type { CommonArgs } from './args.js'
import { clientAuthFor } from './credentials.js'
import type { Io } from './credentials.js'

/**
 * Builds the configuration: with `--token-endpoint` no discovery happens (the issuer is then only the
 * private_key_jwt audience); otherwise the token endpoint is discovered from `--issuer`.
 */
export async function configure(args: CommonArgs, io: Io): Promise<ClientConfiguration> {
  const settings = {
    clientId: args.clientId,
    clientAuth: await clientAuthFor(args, io),
    timeoutMs: args.timeoutMs,
    allowInsecureHttp: args.allowInsecureHttp,
  }
  return args.tokenEndpoint === undefined
    ? discovery({ ...settings, issuer: args.issuer })
    : createConfiguration({ ...settings, issuer: args.issuer, tokenEndpoint: args.tokenEndpoint })
}

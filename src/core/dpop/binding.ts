import type { DpopChallenge } from '../bearer/challenge.js';
import {
  AuthError,
  InvalidDpopProofError,
  InvalidTokenError,
  ProviderUnavailableError,
  UseDpopNonceError,
} from '../errors.js';
import type { VerifiedToken } from '../jwt/verified-token.js';
import type { Outcome } from '../pipeline/outcome.js';
import { extractDpopCredentials, targetPath, type SenderRequest } from './extract.js';
import { checkCertificateBinding } from './mtls.js';
import type { ResolvedDpop, ResolvedMtls } from './options.js';
import { normaliseHtu, verifyProof } from './proof.js';

/** Seconds a caller is told to wait when the replay store cannot be reached. */
const STORE_RETRY_AFTER_SECONDS = 5;

const refuse = (message: string): InvalidTokenError => new InvalidTokenError(message, { reason: 'sender_constrained' });

/** The confirmation members this guard can verify (RFC 7800 §3.1, RFC 9449 §6.1, RFC 8705 §3.1). */
interface Confirmation {
  readonly jkt?: unknown;
  readonly 'x5t#S256'?: unknown;
}

function confirmationOf(token: VerifiedToken): Confirmation | undefined {
  return token.payload.cnf as Confirmation | undefined;
}

/** The checks of sender-constrained tokens for one configuration; the admission gate calls them. */
export interface SenderConstraints {
  /** What DPoP challenges offer; `undefined` when DPoP is not configured. */
  readonly challenge: DpopChallenge | undefined;
  /** True when DPoP requests are accepted by a guard of this mode (per guard, else the configured one). */
  acceptsDpop(required: boolean): boolean;
  /**
   * A token presented as Bearer: a DPoP-bound one is refused (RFC 9449 §7.2), a certificate-bound one needs the
   * connection's certificate. Called only for tokens that have a `cnf`.
   */
  checkBearer(token: VerifiedToken, request: () => SenderRequest | undefined): VerifiedToken;
  /** A request under the DPoP scheme: the token admitted by `admit`, then its proof checked for this request. */
  admitDpop(request: SenderRequest, admit: (token: string) => Outcome<VerifiedToken>): Promise<VerifiedToken>;
}

export function createSenderConstraints(
  dpop: ResolvedDpop | undefined,
  mtls: ResolvedMtls,
  now: () => number,
): SenderConstraints {
  function checkCertificate(token: VerifiedToken, request: SenderRequest | undefined): void {
    const thumbprint = confirmationOf(token)?.['x5t#S256'];
    if (thumbprint === undefined) return;
    if (mtls.mode === 'off') throw refuse('certificate-bound tokens are not accepted here');
    if (request === undefined) throw refuse('token is bound to a client certificate this guard cannot see');
    checkCertificateBinding(request, thumbprint as string, mtls.certificateHeader);
  }

  async function claimProof(id: string, lifetime: number): Promise<void> {
    let first: boolean;
    try {
      first = await dpop!.replay.claim(id, lifetime * 2);
    } catch (error) {
      if (error instanceof AuthError) throw error;
      throw new ProviderUnavailableError('the DPoP replay store cannot be reached', STORE_RETRY_AFTER_SECONDS, {
        reason: 'replay_store_unavailable',
        cause: error,
      });
    }
    if (!first) throw new InvalidDpopProofError('DPoP proof was used before ("jti")', { reason: 'dpop_replay' });
  }

  return {
    challenge: dpop === undefined ? undefined : { algs: [...dpop.algorithms], required: dpop.mode === 'required' },
    acceptsDpop: (required) => dpop !== undefined && (required || dpop.mode !== 'off'),
    checkBearer(token, request) {
      const cnf = confirmationOf(token);
      if (cnf?.jkt !== undefined) throw refuse('token is DPoP-bound: send it as "Authorization: DPoP" with a proof');
      if (mtls.mode === 'required' && cnf?.['x5t#S256'] === undefined)
        throw refuse('only certificate-bound tokens are accepted here');
      checkCertificate(token, request());
      return token;
    },
    async admitDpop(request, admit) {
      const settings = dpop!;
      const { token, proof } = extractDpopCredentials(request);
      const verified = await admit(token);
      const jkt = confirmationOf(verified)?.jkt;
      if (jkt === undefined) throw refuse('token is not DPoP-bound ("cnf.jkt"): send it as "Authorization: Bearer"');
      const checked = await verifyProof(proof, {
        method: request.method ?? 'GET',
        htu: normaliseHtu(`${settings.origin}${targetPath(request.url)}`) ?? '',
        token,
        now: Math.floor(now() / 1000),
        lifetime: settings.proofLifetime,
        algorithms: settings.algorithms,
      });
      if (checked.jkt !== jkt) throw new InvalidDpopProofError('DPoP proof key is not the key the token is bound to');
      if (settings.nonces !== undefined && !settings.nonces.accepts(checked.nonce))
        throw new UseDpopNonceError(settings.nonces.current());
      checkCertificate(verified, request);
      await claimProof(`${checked.jkt}.${checked.jti}`, settings.proofLifetime);
      return verified;
    },
  };
}

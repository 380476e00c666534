// Agent onboarding: a single-use, short-lived bootstrap token is exchanged once for a site-bound agent credential.
import { ApiError } from '../model/index.js';
import type { TokenRecordStore } from './token-records.js';
import type { IssuedToken, TokenService } from './tokens.js';
import type { Principal } from './principal.js';

export const DEFAULT_AGENT_CREDENTIAL_TTL_SECONDS = 90 * 24 * 3600;

/** Issues a bootstrap token for `site` (the caller stores `record`, then hands out `token`). */
export function issueBootstrapToken(
  tokens: TokenService,
  site: string,
  ttlSeconds: number,
  now = new Date(),
): Promise<IssuedToken> {
  return tokens.issue(
    { subject: `agent:${site}`, role: 'agent', site, ttlSeconds, kind: 'agent', bootstrap: true },
    now,
  );
}

export interface ExchangeResult extends IssuedToken {
  site: string;
  principal: Principal;
  /** jti of the bootstrap token that was consumed. */
  bootstrapTokenId: string;
}

/**
 * Exchanges a bootstrap token for an agent credential bound to the same site. Order matters: the
 * bootstrap token is verified, then consumed by an atomic compare-and-set (`markUsed`), and only
 * then is the credential record created. A second exchange, concurrent or later, fails with
 * TokenRevoked; if creating the credential fails after consumption the bootstrap token stays used
 * (fail closed: an operator issues a new one).
 */
export async function exchangeBootstrap(
  tokens: TokenService,
  store: TokenRecordStore,
  bootstrapJwt: string,
  opts: { now?: Date; ttlSeconds?: number } = {},
): Promise<ExchangeResult> {
  const now = opts.now ?? new Date();
  const { record: boot } = await tokens.verifyWithRecord(bootstrapJwt, {
    lookup: (jti) => store.get(jti),
    now,
    purpose: 'bootstrap',
  });
  const site = boot.spec.site;
  if (!site || boot.spec.role !== 'agent') throw new ApiError('TokenInvalid', 'bootstrap token is not bound to a site');
  const issued = await tokens.issue(
    {
      subject: boot.spec.subject,
      role: 'agent',
      site,
      kind: 'agent',
      ttlSeconds: opts.ttlSeconds ?? DEFAULT_AGENT_CREDENTIAL_TTL_SECONDS,
    },
    now,
  );
  const won = await store.markUsed(boot.metadata.name, now.toISOString(), issued.record.metadata.name);
  if (!won) throw new ApiError('TokenRevoked', 'bootstrap token already used');
  await store.create(issued.record);
  const principal: Principal = {
    subject: issued.record.spec.subject,
    kind: 'agent',
    grants: [{ role: 'agent' }],
    site,
    tokenId: issued.record.metadata.name,
    issuer: tokens.issuer,
  };
  return { ...issued, site, principal, bootstrapTokenId: boot.metadata.name };
}

// ContinuumSecurity: the API's Security port implemented with the security libraries (authn → rate limit → authz → audit).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuditEntry as PortAuditEntry, Caller, ResourceAttributes, Security, Visibility } from './port.js';
import { ApiError, SiteKind, type KindDef } from '../model/index.js';
import { Authenticator } from './authn.js';
import { loadOrCreateAuditKey, publicKeyPem, type AuditKeyPair } from './audit/keys.js';
import { AuditLog, auditActor } from './audit/log.js';
import { claimAuditChain, type AuditChain } from './audit/chains.js';
import type { AuditEntry } from './audit/record.js';
import type { CheckpointPolicy } from './audit/checkpoint.js';
import type { AdminTokenMeta } from './admin-token.js';
import { FileAuditSink } from './audit/sink.js';
import { exportAuditLog, verifyAuditLog, type VerifyResult } from './audit/verify.js';
import { exchangeBootstrap, type ExchangeResult } from './bootstrap.js';
import { securityPaths } from './keyfile.js';
import { preflightKeys } from './key-preflight.js';
import { GRANTING_KINDS, TokenKind } from './kinds.js';
import { OidcVerifier, type OidcIssuerConfig } from './oidc.js';
import { describePrincipal, rateLimitKey, type Principal } from './principal.js';
import { authorize, authorizeNonResource, canReadSecretValues, listScope } from './rbac/authorize.js';
import { BindingIndex } from './rbac/bindings.js';
import { canGrant } from './rbac/grants.js';
import type { NonResourcePermission } from './rbac/policy.js';
import { RateLimiter, tooManyRequests } from './ratelimit.js';
import { SecretCodec, redactSecret } from './secrets/codec.js';
import { SecretKeyring } from './secrets/keyring.js';
import { reencryptStoredSecrets, secretKeyUsage } from './secrets/stored.js';
import {
  installCodec,
  securityAdmission,
  storeTokenRecords,
  watchBindings,
  type SecurityStore,
} from './store-bridge.js';
import { TokenKeyring, ed25519Thumbprint } from './token-keys.js';
import { revokeTokenRecord, type TokenRecord } from './token-records.js';
import { MAX_TTL_SECONDS, TokenService, type IssueRequest, type IssuedToken } from './tokens.js';

export interface ContinuumSecurityOptions {
  dataDir: string;
  store: SecurityStore;
  /** The opaque token `continuum up` prints (dataDir/admin.token): accepted as the bootstrap superuser. */
  adminToken?: string;
  /** Its expiry and the admin tokens it replaced (admin.token.json). */
  adminTokenMeta?: AdminTokenMeta;
  oidc?: OidcIssuerConfig[];
  /** Per subject (every token of one identity shares it): default 50 requests/s, burst 100. */
  rateLimit?: { ratePerSecond: number; burst: number };
  /** Per tenant (every subject holding a grant in the namespace shares it): default 100 requests/s, burst 300. */
  tenantRateLimit?: { ratePerSecond: number; burst: number };
  issuer?: string;
  audience?: string;
  now?: () => Date;
  onAuditError?: (e: unknown) => void;
  /** When the audit log writes periodic signed checkpoints (default every 1000 records or 60 s). */
  auditCheckpoints?: CheckpointPolicy;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
/** Issuer of the principal behind the data dir's admin.token (never the issuer of a JWT: those are URLs or `continuum`). */
const ADMIN_TOKEN_ISSUER = 'admin-token';
const MUTATING = new Set(['create', 'update', 'patch', 'delete']);

/**
 * One instance per control plane. Request order, as the API server calls it: authenticate →
 * rateLimit → authorize (per object, again with the stored object) → handler → redact every object
 * returned → audit. Mutating requests are refused with 503 while the audit log cannot be written.
 */
export class ContinuumSecurity implements Security {
  readonly tokens: TokenService;
  private readonly tokenKeys: TokenKeyring;
  readonly bindings = new BindingIndex();
  private readonly records;
  private readonly authn: Authenticator;
  private readonly limiter: RateLimiter;
  private readonly tenantLimiter: RateLimiter;
  private readonly secretCodec: SecretCodec;
  private readonly now: () => Date;
  private auditBroken: unknown;
  /** Set when the chain found at start does not verify (readiness names the record). */
  private chainBroken: string | undefined;
  private stopBindings: () => void = () => {};
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly opts: ContinuumSecurityOptions,
    private readonly auditLog: AuditLog,
    private readonly chain: AuditChain & { release(): void },
    private readonly auditKey: AuditKeyPair,
    readonly secretKeys: SecretKeyring,
  ) {
    const paths = securityPaths(opts.dataDir);
    this.now = opts.now ?? (() => new Date());
    this.tokenKeys = TokenKeyring.loadOrCreate(paths.tokenKeys);
    this.tokenKeys.retireExpired(MAX_TTL_SECONDS, this.now());
    this.tokens = new TokenService({
      keyring: this.tokenKeys,
      issuer: opts.issuer,
      audience: opts.audience,
    });
    this.records = storeTokenRecords(opts.store);
    this.authn = new Authenticator({
      tokens: this.tokens,
      lookup: (j) => this.records.get(j),
      oidc: (opts.oidc ?? []).map((c) => new OidcVerifier(c)),
      bindings: this.bindings,
    });
    this.secretCodec = new SecretCodec(secretKeys);
    this.limiter = new RateLimiter({
      ratePerSecond: 50,
      burst: 100,
      ...opts.rateLimit,
      now: () => this.now().getTime(),
    });
    this.tenantLimiter = new RateLimiter({
      ratePerSecond: 100,
      burst: 300,
      ...opts.tenantRateLimit,
      now: () => this.now().getTime(),
    });
  }

  /** Loads or creates every key in the data dir, installs the Secret codec, opens the audit log and loads bindings. */
  static async create(opts: ContinuumSecurityOptions): Promise<ContinuumSecurity> {
    const paths = securityPaths(opts.dataDir);
    await preflightKeys(opts.dataDir, opts.store);
    const auditKey = loadOrCreateAuditKey(paths.auditKey);
    const chain = claimAuditChain(opts.dataDir);
    let log: AuditLog;
    let chainAtStart: VerifyResult;
    try {
      // The whole chain is checked before appending: a record edited in the middle does not stop the
      // server (the tail is intact) but keeps it unready, naming the record (health()).
      chainAtStart = await verifyAuditLog(chain.log, auditKey.publicKey, chain.head);
      log = await AuditLog.open(await FileAuditSink.open(chain.log, chain.head, chain.checkpoints), auditKey, {
        now: opts.now,
        ...(opts.auditCheckpoints ? { checkpoints: opts.auditCheckpoints } : {}),
      });
    } catch (e) {
      chain.release();
      throw e;
    }
    const secretKeys = SecretKeyring.loadOrCreate(paths.secretKeys);
    installCodec(opts.store, 'Secret', new SecretCodec(secretKeys));
    opts.store.addAdmission?.(securityAdmission);
    const s = new ContinuumSecurity(opts, log, chain, auditKey, secretKeys);
    if (!chainAtStart.ok)
      s.chainBroken = `audit chain broken at record ${chainAtStart.index}: ${chainAtStart.reason} (found at start)`;
    s.stopBindings = await watchBindings(opts.store, s.bindings);
    return s;
  }

  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Caller> {
    const h = headers.authorization;
    const header = Array.isArray(h) ? h[0] : h;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (m && !m[1].includes('.')) this.checkAdminToken(m[1]);
    if (
      m &&
      this.opts.adminToken &&
      !m[1].includes('.') &&
      timingSafeEqual(sha256(m[1]), sha256(this.opts.adminToken))
    ) {
      return toCaller({
        subject: 'admin',
        kind: 'user',
        grants: [{ role: 'admin' }],
        tokenId: 'admin-token',
        issuer: ADMIN_TOKEN_ISSUER,
      });
    }
    return toCaller(await this.authn.authenticate(header, this.now()));
  }

  /**
   * The admin token's expiry and rotation: an expired admin token, or one replaced by `continuum token
   * rotate-admin`, gets a 401 that says so and what to do (instead of a bare "invalid token").
   */
  private checkAdminToken(presented: string): void {
    const meta = this.opts.adminTokenMeta;
    if (!meta) return;
    const digest = sha256(presented);
    const isCurrent = this.opts.adminToken !== undefined && timingSafeEqual(digest, sha256(this.opts.adminToken));
    if (isCurrent && meta.expiresAt && Date.parse(meta.expiresAt) <= this.now().getTime())
      throw new ApiError(
        'TokenExpired',
        `the admin token (admin.token of the data dir) expired at ${meta.expiresAt}; run \`continuum token ` +
          'rotate-admin --data-dir DIR` (or restart the control plane) for a new one',
      );
    const hex = digest.toString('hex');
    const old = isCurrent ? undefined : meta.revoked?.find((r) => r.sha256 === hex);
    if (old)
      throw new ApiError(
        'TokenRevoked',
        `this admin token was replaced at ${old.rotatedAt} (continuum token rotate-admin) and is revoked; ` +
          'use the one now in admin.token',
      );
  }

  /** Switches to the data dir's new admin token (after `continuum token rotate-admin`); the old one stops working. */
  setAdminToken(token: string, meta: AdminTokenMeta): void {
    this.opts.adminToken = token;
    this.opts.adminTokenMeta = meta;
  }

  /**
   * Token buckets per subject and per tenant (each namespace the caller holds a grant in), so
   * minting more tokens, or more subjects in one tenant, does not buy more requests. A request is
   * charged to all its buckets or, when one is empty, refused without charging any. The data dir's
   * admin.token is exempt: whoever holds it holds the data dir, and `continuum up` runs its
   * embedded agents and tools on it.
   */
  rateLimit(caller: Caller): void {
    const p = principalOf(caller);
    if (p.issuer === ADMIN_TOKEN_ISSUER) return;
    const tenants = [...new Set(p.grants.flatMap((g) => (g.namespace ? [`tenant:${g.namespace}`] : [])))];
    const key = rateLimitKey(p);
    const subjectLimit = `rate limit of subject ${p.subject}`;
    // An empty subject bucket refuses first (take() charges nothing when it refuses).
    const early = this.limiter.wouldAllow(key) ? undefined : this.limiter.take(key);
    if (early && !early.ok) throw tooManyRequests(early, subjectLimit);
    const t = this.tenantLimiter.takeAll(tenants);
    if (!t.ok) throw tooManyRequests(t, `rate limit of tenant ${tenants.map((k) => k.slice(7)).join(', ')}`);
    const r = early ?? this.limiter.take(key);
    if (!r.ok) throw tooManyRequests(r, subjectLimit);
  }

  async authorize(caller: Caller, attrs: ResourceAttributes): Promise<void> {
    const p = principalOf(caller);
    const kind = attrs.kind.kind;
    if (MUTATING.has(attrs.verb) && this.auditBroken !== undefined)
      throw new ApiError('Unavailable', 'audit log unavailable; writes are refused');
    if (kind === TokenKind.kind && attrs.verb === 'create')
      throw new ApiError(
        'Forbidden',
        'tokens are issued with POST /auth/v1/tokens (`continuum token create`), not created as objects',
      );
    // A patch whose merged result is not shown (no oldObject) could turn a binding into any grant:
    // only those who may grant anything may do that.
    if (
      (GRANTING_KINDS as readonly string[]).includes(kind) &&
      attrs.verb === 'patch' &&
      !attrs.subresource &&
      !attrs.oldObject &&
      !canGrant(p, { role: 'admin' })
    ) {
      throw new ApiError(
        'Forbidden',
        `patch and apply of ${kind} need the merged result to be authorized; use update with the full object`,
      );
    }
    const d = authorize(p, {
      verb: attrs.verb,
      kind,
      ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
      ...(attrs.name ? { name: attrs.name } : {}),
      ...(attrs.subresource ? { subresource: attrs.subresource } : {}),
      ...(attrs.object ? { object: attrs.object, oldObject: attrs.oldObject ?? attrs.object } : {}),
    });
    if (!d.allowed) throw new ApiError('Forbidden', d.reason);
  }

  subjectCaller(user: string, groups: readonly string[]): Caller {
    return toCaller(this.bindings.expand({ subject: user, kind: 'user', grants: [], groups: [...groups] }));
  }

  async authorizeNonResource(caller: Caller, permission: string): Promise<void> {
    const d = authorizeNonResource(principalOf(caller), permission as NonResourcePermission);
    if (!d.allowed) throw new ApiError('Forbidden', d.reason);
  }

  async visibility(caller: Caller, kind: KindDef, verb: 'list' | 'watch'): Promise<Visibility> {
    const s = listScope(principalOf(caller), kind.kind, verb);
    return { namespaces: s.allowed ? (s.namespaces ?? 'all') : [], filter: s.allowed ? s.visible : () => false };
  }

  /** Secrets lose their values unless the caller may read them; readable ones are shown in their stored shape (data, keys). */
  redact(caller: Caller, obj: Record<string, any>): Record<string, any> {
    if (obj?.kind !== 'Secret') return obj;
    if (!canReadSecretValues(principalOf(caller), obj.metadata?.namespace ?? '')) return redactSecret(obj);
    return obj.spec?.stringData === undefined && obj.spec?.encrypted === undefined
      ? obj
      : this.secretCodec.decode(this.secretCodec.encode(obj));
  }

  /**
   * Appends one entry for the API server; the promise resolves once the record is durable and
   * rejects when it cannot be written (then further writes fail closed).
   */
  audit(entry: PortAuditEntry, caller?: Caller): Promise<unknown> {
    const p = caller?.principal as Principal | undefined;
    const code =
      entry.code ??
      (entry.status === 401
        ? 'Unauthorized'
        : entry.status === 403
          ? 'Forbidden'
          : entry.status === 429
            ? 'TooManyRequests'
            : undefined);
    return this.append({
      requestId: entry.requestId,
      ...(entry.clientRequestId ? { clientRequestId: entry.clientRequestId } : {}),
      actor: p
        ? auditActor(p, entry.ip ? { ip: entry.ip } : {})
        : { subject: entry.subject, ...(entry.ip ? { ip: entry.ip } : {}) },
      action: entry.verb,
      ...(entry.resource ? { resource: entry.resource } : {}),
      ...(entry.path ? { path: entry.path } : {}),
      outcome: entry.outcome === 'unauthenticated' ? 'denied' : entry.outcome,
      status: entry.status,
      ...(code ? { code } : {}),
      ...(entry.reason ? { reason: entry.reason } : {}),
      ...(entry.count !== undefined ? { count: entry.count } : {}),
    });
  }

  /** What the caller is, for `continuum whoami` (no token material). */
  whoami(caller: Caller): Record<string, unknown> {
    const p = principalOf(caller);
    return {
      ...describePrincipal(p),
      ...(p.issuer ? { issuer: p.issuer } : {}),
      ...(p.groups?.length ? { groups: p.groups } : {}),
    };
  }

  /** Unhealthy once an audit append failed: writes are refused from then on. */
  health(): string | undefined {
    if (this.chainBroken !== undefined) return this.chainBroken;
    if (this.auditBroken === undefined) return undefined;
    return `audit log cannot be written (${(this.auditBroken as Error)?.message ?? String(this.auditBroken)}); writes are refused`;
  }

  /** Appends and waits until durable (for the security operations below and for callers that can await). */
  append(e: AuditEntry): Promise<unknown> {
    return this.auditLog.append(e).catch((err: unknown) => {
      this.auditBroken = err;
      this.opts.onAuditError?.(err);
      throw err;
    });
  }

  /** `continuum token create`: issues a token if the caller may grant its role, stores its record, audits. */
  async issueToken(
    caller: Caller,
    req: Omit<IssueRequest, 'subject' | 'kind'> & { subject?: string },
    requestId: string,
  ): Promise<IssuedToken> {
    // Agent credentials come only from the single-use bootstrap exchange, bound to a site (no long-lived
    // agent tokens minted directly, by anyone).
    if (req.role === 'agent' && !req.bootstrap)
      throw new ApiError(
        'Forbidden',
        'agent credentials are issued only by the bootstrap exchange: create a single-use bootstrap token ' +
          '(bootstrap: true, site) and let the agent exchange it',
        [{ field: 'bootstrap', message: 'must be true for role agent' }],
      );
    // Bindings attach to subjects, so choosing a subject could borrow someone else's bindings: only
    // callers who may grant everything choose one. Every other token gets a subject of its own
    // (role@tenant plus a random suffix), so a binding to one token's subject upgrades only that token.
    if (req.subject !== undefined && !req.bootstrap && !canGrant(principalOf(caller), { role: 'admin' })) {
      throw new ApiError('Forbidden', 'only an administrator may choose the subject of a token');
    }
    const subject = req.subject ?? `${req.role}${req.tenant ? `@${req.tenant}` : ''}~${randomBytes(6).toString('hex')}`;
    if (req.bootstrap && req.site && !(await this.opts.store.get(SiteKind, undefined, req.site)))
      throw new ApiError('NotFound', `site ${req.site} not found`);
    const issued = await this.tokens.issue(
      { ...req, subject, ...(req.bootstrap ? { subject: `agent:${req.site}`, kind: 'agent' } : {}) },
      this.now(),
    );
    const p = principalOf(caller);
    const d = authorize(p, { verb: 'create', kind: 'Token', name: issued.record.metadata.name, object: issued.record });
    const resource = { kind: 'Token', name: issued.record.metadata.name };
    // Refusals are audited by the caller (the API server records every 403).
    if (!d.allowed)
      throw new ApiError(
        'Forbidden',
        `may not issue a ${req.role} token${req.tenant ? ` for ${req.tenant}` : ''}: ${d.reason}`,
      );
    await this.records.create(issued.record);
    await this.append({
      requestId,
      actor: auditActor(p),
      action: 'token:create',
      resource,
      outcome: 'allowed',
      status: 201,
      reason: `role ${req.role}${req.tenant ? ` in ${req.tenant}` : ''}`,
    });
    return issued;
  }

  /** `continuum token revoke`: marks the record revoked (one-way); the token stops working at once. */
  async revokeToken(caller: Caller, jti: string, requestId: string, reason?: string): Promise<TokenRecord> {
    const p = principalOf(caller);
    const cur = await this.records.get(jti);
    if (!cur) throw new ApiError('NotFound', `token ${jti} not found`);
    const d = authorize(p, { verb: 'update', kind: 'Token', name: jti, object: cur, oldObject: cur });
    if (!d.allowed) throw new ApiError('Forbidden', d.reason);
    const next = (await this.opts.store.update(TokenKind, revokeTokenRecord(cur, this.now(), reason))) as TokenRecord;
    await this.append({
      requestId,
      actor: auditActor(p),
      action: 'token:revoke',
      resource: { kind: 'Token', name: jti },
      outcome: 'allowed',
      status: 200,
    });
    return next;
  }

  /** The agent bootstrap endpoint: single-use exchange of a bootstrap token for a site-bound credential. */
  async exchangeBootstrap(bootstrapToken: string, requestId: string): Promise<ExchangeResult> {
    try {
      const r = await exchangeBootstrap(this.tokens, this.records, bootstrapToken, { now: this.now() });
      await this.append({
        requestId,
        actor: auditActor(r.principal),
        action: 'agent:bootstrap',
        resource: { kind: 'Site', name: r.site },
        outcome: 'allowed',
        status: 201,
      });
      return r;
    } catch (e) {
      if (e instanceof ApiError) {
        await this.append({
          requestId,
          actor: { subject: 'anonymous' },
          action: 'agent:bootstrap',
          outcome: 'denied',
          status: e.status,
          code: e.code,
          reason: e.message,
        }).catch(() => undefined);
      }
      throw e;
    }
  }

  /**
   * Makes a new KEK primary and re-encrypts every Secret under it (clearing status.keyId forces
   * the rewrite; a Conflict means a concurrent write already re-encrypted it). Old KEKs are kept;
   * retire one with `secretKeys.retire(kid)` once `secretKeyUsage()` no longer lists it.
   */
  async rotateSecretKey(requestId: string, caller?: Caller): Promise<{ kid: string; reencrypted: number }> {
    const kid = this.secretKeys.rotate(this.now());
    const reencrypted = await reencryptStoredSecrets(this.opts.store, this.secretKeys);
    const actor = caller ? auditActor(principalOf(caller)) : { subject: 'system', kind: 'service' };
    await this.append({
      requestId,
      actor,
      action: 'secrets:rotate-key',
      outcome: 'allowed',
      status: 200,
      reason: `new key ${kid}, ${reencrypted} re-encrypted`,
    });
    return { kid, reencrypted };
  }

  /**
   * Replaces the external OIDC issuers (SIGHUP or a change of `--oidc-config`); tokens of removed
   * issuers are refused from the next request on. Audited. Throws and keeps the old set on a bad set.
   */
  async reloadOidc(configs: OidcIssuerConfig[]): Promise<void> {
    this.authn.setOidc(configs.map((c) => new OidcVerifier(c)));
    await this.append({
      requestId: randomUUID(),
      actor: { subject: 'system', kind: 'service' },
      action: 'oidc:reload',
      outcome: 'allowed',
      status: 200,
      reason: `issuers: ${configs.map((c) => c.issuer).join(', ') || '(none)'}`,
    });
  }

  /**
   * `continuum token rotate-signing-key` (administrators only): new tokens are signed with a new
   * key; the old keys keep verifying the tokens they signed until those can no longer be valid
   * (MAX_TTL_SECONDS after they stopped being primary), then they are retired.
   */
  async rotateSigningKey(
    requestId: string,
    caller: Caller,
  ): Promise<{ kid: string; keys: string[]; retired: string[] }> {
    if (!canGrant(principalOf(caller), { role: 'admin' }))
      throw new ApiError('Forbidden', 'only an administrator may rotate the token signing key');
    const kid = this.tokenKeys.rotate(this.now());
    const retired = this.tokenKeys.retireExpired(MAX_TTL_SECONDS, this.now());
    await this.append({
      requestId,
      actor: auditActor(principalOf(caller)),
      action: 'token:rotate-signing-key',
      outcome: 'allowed',
      status: 200,
      reason: `new signing key ${kid}${retired.length ? `; retired ${retired.join(', ')}` : ''}`,
    });
    return { kid, keys: this.tokenKeys.kids(), retired };
  }

  /** How many Secrets each KEK protects. */
  secretKeyUsage(): Promise<Record<string, number>> {
    return secretKeyUsage(this.opts.store);
  }

  /**
   * The public keys that verify this control plane's audit records (GET /auth/v1/audit/keys): an
   * auditor checks an export with one of them, without the data dir. `kid` is the RFC 7638 thumbprint.
   */
  auditKeys(): Array<{ kid: string; alg: 'EdDSA'; pem: string; jwk: Record<string, unknown> }> {
    const jwk = this.auditKey.publicKey.export({ format: 'jwk' });
    return [{ kid: ed25519Thumbprint(jwk), alg: 'EdDSA', pem: publicKeyPem(this.auditKey.publicKey), jwk: { ...jwk } }];
  }

  /** Verifies this control plane's whole audit chain (other replicas' chains: `continuum audit verify --data-dir`). */
  verifyAudit(): Promise<VerifyResult> {
    return verifyAuditLog(this.chain.log, this.auditKey.publicKey, this.chain.head);
  }

  exportAudit(write: (line: string) => void | Promise<void>, filter?: { since?: Date; until?: Date }): Promise<number> {
    return exportAuditLog(this.chain.log, write, filter, {
      file: this.chain.checkpoints,
      key: this.auditKey.privateKey,
      now: this.now,
    });
  }

  /** Stops the binding watch and flushes and closes the audit log (idempotent). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopBindings();
      try {
        await this.auditLog.close();
      } finally {
        this.chain.release();
      }
    })();
    return this.closing;
  }
}

function toCaller(p: Principal): Caller {
  return {
    subject: p.subject,
    kind: p.kind,
    principal: p,
    ...(p.site ? { site: p.site } : {}),
    ...(p.tokenId ? { tokenId: p.tokenId } : {}),
    tenants: [...new Set(p.grants.flatMap((g) => (g.namespace ? [g.namespace] : [])))],
  };
}

/** The principal behind a Caller; callers not made by ContinuumSecurity hold no rights. */
function principalOf(c: Caller): Principal {
  const p = c.principal as Principal | undefined;
  return p && Array.isArray(p.grants) ? p : { subject: c.subject, kind: 'user', grants: [] };
}

/** The control plane's `security` option: `startControlPlane({ ..., security: continuumSecurity() })`. */
export function continuumSecurity(extra: Omit<ContinuumSecurityOptions, 'dataDir' | 'store' | 'adminToken'> = {}) {
  return (ctx: { dataDir: string; store: SecurityStore; adminToken: string }): Promise<ContinuumSecurity> =>
    ContinuumSecurity.create({ ...extra, ...ctx });
}

// HTTP routes of the security layer: token issue and revoke, whoami, audit verify and export, secret key rotation.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, kindByName } from '../model/index.js';
import { send } from './content.js';
import { isGone, openStream } from './sse.js';
import type { Caller, Security } from '../security/port.js';
import type { TokenRecord } from '../security/token-records.js';

/** What a token issue request asks for (POST /auth/v1/tokens). */
export interface TokenIssueBody {
  role: string;
  tenant?: string;
  site?: string;
  /** A single-use bootstrap token for an agent of `site` (exchanged at POST /agent/v1/bootstrap). */
  bootstrap?: boolean;
  ttlSeconds?: number;
  /** Only administrators choose subjects (bindings attach to subjects). */
  subject?: string;
  description?: string;
}

/**
 * Operations a full Security implementation (ContinuumSecurity) offers beyond the port. Each one
 * authorizes the caller itself and writes its own audit record before it returns.
 */
export interface SecurityOperations {
  issueToken(
    caller: Caller,
    req: Omit<TokenIssueBody, 'ttlSeconds'> & { ttlSeconds: number },
    requestId: string,
  ): Promise<{ token: string; record: TokenRecord }>;
  revokeToken(caller: Caller, id: string, requestId: string, reason?: string): Promise<TokenRecord>;
  exchangeBootstrap(
    bootstrapToken: string,
    requestId: string,
  ): Promise<{ token: string; site: string; record: TokenRecord }>;
  verifyAudit(): Promise<{ ok: boolean; records: number; index?: number; reason?: string; warnings?: string[] }>;
  exportAudit(write: (line: string) => void | Promise<void>, filter?: { since?: Date; until?: Date }): Promise<number>;
  rotateSecretKey(requestId: string, caller?: Caller): Promise<{ kid: string; reencrypted: number }>;
  auditKeys(): Array<{ kid: string; alg: 'EdDSA'; pem: string; jwk: Record<string, unknown> }>;
  rotateSigningKey(requestId: string, caller: Caller): Promise<{ kid: string; keys: string[]; retired: string[] }>;
  whoami(caller: Caller): Record<string, unknown>;
}

/** The operation, or 501 when this server's Security implementation has none (e.g. StaticTokenSecurity). */
export function operation<K extends keyof SecurityOperations>(security: Security, name: K): SecurityOperations[K] {
  const fn = (security as unknown as Partial<SecurityOperations>)[name];
  if (typeof fn !== 'function') throw new ApiError('NotImplemented', `this server's security does not support ${name}`);
  return fn.bind(security) as SecurityOperations[K];
}

/** Default lifetime of access tokens when the request names none. */
export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 3600;
const DEFAULT_BOOTSTRAP_TTL_SECONDS = 15 * 60;

const FIELDS: Record<keyof TokenIssueBody, 'string' | 'boolean' | 'number'> = {
  role: 'string',
  tenant: 'string',
  site: 'string',
  bootstrap: 'boolean',
  ttlSeconds: 'number',
  subject: 'string',
  description: 'string',
};

/** Validates an issue request strictly: known fields of the right type only. */
export function parseIssueBody(body: unknown): TokenIssueBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('BadRequest', 'request body must be an object', [
      { field: '(body)', message: 'must be an object' },
    ]);
  const errors: Array<{ field: string; message: string }> = [];
  for (const [k, v] of Object.entries(body)) {
    const want = FIELDS[k as keyof TokenIssueBody];
    if (!want) errors.push({ field: k, message: 'unknown field' });
    else if (typeof v !== want) errors.push({ field: k, message: `must be a ${want}` });
  }
  const b = body as TokenIssueBody;
  if (b.role === undefined) errors.push({ field: 'role', message: 'required field missing' });
  if (b.ttlSeconds !== undefined && (!Number.isInteger(b.ttlSeconds) || b.ttlSeconds <= 0))
    errors.push({ field: 'ttlSeconds', message: 'must be a positive integer' });
  if (errors.length)
    throw new ApiError('BadRequest', `invalid token request: ${errors[0].field}: ${errors[0].message}`, errors);
  return b;
}

function parseTime(name: string, v: unknown): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(String(v));
  if (typeof v !== 'string' || Number.isNaN(d.getTime()))
    throw new ApiError('BadRequest', `query parameter ${name} must be an ISO time`, [
      { field: `query.${name}`, message: 'ISO 8601 time' },
    ]);
  return d;
}

/** Mounts the routes; their access rules are in route-access.ts. */
export function securityRoutes(app: FastifyInstance, deps: { security: Security }): void {
  const { security } = deps;
  const callerOf = (req: FastifyRequest): Caller => req.continuum!.caller!;

  app.get('/auth/v1/whoami', async (req, reply) => {
    const c = callerOf(req);
    const { kind, ...who } = (security as unknown as Partial<SecurityOperations>).whoami?.(c) ?? {
      subject: c.subject,
      kind: c.kind,
    };
    return send(req, reply, 200, { kind: 'WhoAmI', principalKind: kind, ...who });
  });

  // Issue: the token string is in this answer only (never stored, never logged); the record is the Token object.
  app.post('/auth/v1/tokens', async (req, reply) => {
    req.continuum!.action = 'token:create';
    const b = parseIssueBody(req.body);
    const ttlSeconds = b.ttlSeconds ?? (b.bootstrap ? DEFAULT_BOOTSTRAP_TTL_SECONDS : DEFAULT_TOKEN_TTL_SECONDS);
    const issued = await auditedBy(req, () =>
      operation(security, 'issueToken')(callerOf(req), { ...b, ttlSeconds }, String(req.id)),
    );
    void reply.header('cache-control', 'no-store');
    return send(req, reply, 201, { kind: 'IssuedToken', token: issued.token, record: issued.record });
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/auth/v1/tokens/:id/revoke', async (req, reply) => {
    req.continuum!.action = 'token:revoke';
    const body = (req.body ?? {}) as { reason?: unknown };
    const reason = typeof body.reason === 'string' ? body.reason.slice(0, 256) : undefined;
    const rec = await auditedBy(req, () =>
      operation(security, 'revokeToken')(callerOf(req), req.params.id, String(req.id), reason),
    );
    return send(req, reply, 200, rec);
  });

  // A new token-signing key; earlier tokens keep verifying until they expire (administrators only).
  app.post('/auth/v1/signing-keys/rotate', async (req, reply) => {
    req.continuum!.action = 'token:rotate-signing-key';
    const r = await auditedBy(req, () => operation(security, 'rotateSigningKey')(String(req.id), callerOf(req)));
    return send(req, reply, 200, { kind: 'SigningKeyRotation', keyId: r.kid, keys: r.keys, retired: r.retired });
  });

  // The audit public keys are published (not secret): auditors verify exports with them, without the data dir.
  app.get('/auth/v1/audit/keys', async (req, reply) =>
    send(req, reply, 200, { kind: 'AuditKeys', keys: operation(security, 'auditKeys')() }),
  );

  app.get('/audit/v1/verify', async (req, reply) => {
    const r = await operation(security, 'verifyAudit')();
    return send(req, reply, 200, { kind: 'AuditVerification', ...r });
  });

  // JSON lines, streamed as they are read; ?since= and ?until= (ISO times) filter by record time.
  app.get<{ Querystring: Record<string, unknown> }>('/audit/v1/export', async (req, reply) => {
    const unknown = Object.keys(req.query ?? {}).filter((k) => k !== 'since' && k !== 'until');
    if (unknown.length)
      throw new ApiError('BadRequest', `unknown query parameter ${JSON.stringify(unknown[0])}`, [
        { field: `query.${unknown[0]}`, message: 'unknown parameter' },
      ]);
    const since = parseTime('since', req.query.since);
    const until = parseTime('until', req.query.until);
    const exportAudit = operation(security, 'exportAudit');
    const stream = openStream(req, reply, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    try {
      await exportAudit(
        async (line) => {
          // A client that went away stops the export (the exporter stops on the first rejected write).
          if (!(await stream.write(line))) throw new ApiError('Unavailable', 'the client went away');
        },
        { since, until },
      );
    } catch (e) {
      if (!isGone(stream.res)) throw e;
    } finally {
      stream.end();
    }
    return reply;
  });

  // Admin only: a new key-encryption key, and every Secret re-encrypted under it.
  app.post('/secrets/v1/rotate-key', async (req: FastifyRequest, reply: FastifyReply) => {
    req.continuum!.action = 'secrets:rotate-key';
    const secret = kindByName('Secret');
    if (!secret) throw new ApiError('NotImplemented', 'this server has no Secret kind');
    await security.authorize(callerOf(req), { verb: 'update', kind: secret });
    await security.authorize(callerOf(req), { verb: 'get', kind: secret, subresource: 'data' });
    const r = await auditedBy(req, () => operation(security, 'rotateSecretKey')(String(req.id), callerOf(req)));
    return send(req, reply, 200, { kind: 'SecretKeyRotation', keyId: r.kid, reencrypted: r.reencrypted });
  });
}

/**
 * Runs an operation that writes its own audit record on success (and, with `failuresAudited`, for
 * its ApiError failures too), so the server's generic record is skipped for those outcomes.
 */
export async function auditedBy<T>(req: FastifyRequest, op: () => Promise<T>, failuresAudited = false): Promise<T> {
  try {
    const out = await op();
    req.continuum!.audited = true;
    return out;
  } catch (e) {
    if (failuresAudited && e instanceof ApiError) req.continuum!.audited = true;
    throw e;
  }
}

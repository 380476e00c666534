// The agent side of onboarding and secret delivery: exchange a bootstrap token once, fetch a workload's resolved env.
import { decodeJwt } from 'jose';
import { ApiError } from '../model/index.js';
import { BOOTSTRAP_PATH, HttpClient, workloadEnvPath, type ContinuumClient } from '../client/index.js';

export interface AgentCredential {
  /** Bearer token of the agent; bound to `site`; keep it private (0600) and reuse it across restarts. */
  token: string;
  site: string;
  /** Token record name (jti): what `continuum token revoke` takes. */
  tokenId: string;
  expiresAt: string;
}

export interface ExchangeOptions {
  /** PEM CA bundle that verifies the server (TLS); the server is always verified. */
  ca?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * What a token given to an agent is, from its unverified claims: `bootstrap` (exchange it once),
 * `access` (a built-in credential, use as is) or `opaque` (e.g. the admin token of `continuum up`).
 * Only a routing hint: the server verifies every token.
 */
export function tokenPurpose(token: string): 'bootstrap' | 'access' | 'opaque' {
  if (!token.includes('.')) return 'opaque';
  try {
    return decodeJwt(token).pur === 'bootstrap' ? 'bootstrap' : 'access';
  } catch {
    return 'opaque';
  }
}

/**
 * Exchanges a single-use bootstrap token for a credential bound to the token's site (POST
 * /agent/v1/bootstrap). A used, expired or revoked bootstrap token fails with ApiError
 * (TokenRevoked, TokenExpired, ...): an operator must issue a new one, so store the result before
 * using it. Connection failures throw TransportError and can be retried.
 */
export async function exchangeBootstrap(
  server: string,
  bootstrapToken: string,
  opts: ExchangeOptions = {},
): Promise<AgentCredential> {
  const http = new HttpClient({
    server,
    token: bootstrapToken,
    ca: opts.ca,
    timeoutMs: opts.timeoutMs ?? 15_000,
    userAgent: 'continuum-agent',
  });
  const r = await http.json<Partial<AgentCredential>>('POST', BOOTSTRAP_PATH);
  const b = r.body;
  if (
    typeof b?.token !== 'string' ||
    typeof b.site !== 'string' ||
    typeof b.tokenId !== 'string' ||
    typeof b.expiresAt !== 'string'
  ) {
    throw new ApiError('Internal', 'the bootstrap exchange returned an unexpected answer');
  }
  return { token: b.token, site: b.site, tokenId: b.tokenId, expiresAt: b.expiresAt };
}

export interface WorkloadEnv {
  /** The workload generation the env belongs to: refetch when the workload's generation changes. */
  generation: number;
  env: Array<{ name: string; value: string }>;
}

/**
 * A workload's env with literal values and `valueFrom.secretKeyRef` resolved, in spec order
 * (GET /agent/v1/workloads/{ns}/{name}/env). Allowed for the agent credential bound to the
 * workload's site. The values are secrets: pass them to the process, never log or persist them.
 */
export async function fetchWorkloadEnv(client: ContinuumClient, namespace: string, name: string): Promise<WorkloadEnv> {
  const r = await client.http.json<{
    metadata?: { generation?: number };
    env?: Array<{ name: string; value: string }>;
  }>('GET', workloadEnvPath(namespace, name));
  if (!Array.isArray(r.body?.env)) throw new ApiError('Internal', 'the env route returned an unexpected answer');
  return { generation: r.body.metadata?.generation ?? 0, env: r.body.env };
}

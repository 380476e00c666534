// The data dir's admin token (admin.token): creation, expiry, rotation, and the revoked predecessors it remembers.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Default lifetime of an admin token: 90 days (`--admin-token-ttl`, `continuum token rotate-admin --ttl`). */
export const DEFAULT_ADMIN_TOKEN_TTL_SECONDS = 90 * 24 * 3600;
const KEEP_REVOKED = 16;

/** admin.token.json: facts about the token in admin.token (which holds only the token, as before). */
export interface AdminTokenMeta {
  /** sha256 (hex) of the token these facts are about: a meta file out of step with admin.token is ignored. */
  sha256: string;
  issuedAt: string;
  /** Absent: the token does not expire (ttl 0). */
  expiresAt?: string;
  /** Tokens this one replaced, newest first: presenting one gets a clear "revoked" answer. */
  revoked?: Array<{ sha256: string; rotatedAt: string }>;
}

export interface AdminTokenState {
  token: string;
  meta: AdminTokenMeta;
}

export const adminTokenPaths = (dataDir: string) => ({
  token: join(dataDir, 'admin.token'),
  meta: join(dataDir, 'admin.token.json'),
  config: join(dataDir, 'config.json'),
});

export const tokenSha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

function writePrivate(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** The token and its facts; undefined when there is no token, or the facts are missing or about another token. */
export function readAdminToken(dataDir: string): { token: string; meta?: AdminTokenMeta } | undefined {
  const p = adminTokenPaths(dataDir);
  if (!existsSync(p.token)) return undefined;
  const token = readFileSync(p.token, 'utf8').trim();
  let meta: AdminTokenMeta | undefined;
  try {
    meta = JSON.parse(readFileSync(p.meta, 'utf8')) as AdminTokenMeta;
  } catch {
    meta = undefined;
  }
  return { token, ...(meta && meta.sha256 === tokenSha256(token) ? { meta } : {}) };
}

/**
 * Writes a new admin token valid `ttlSeconds` (0: no expiry), remembering the previous one as revoked. The facts
 * are written before the token, and a running control plane accepts a token only with facts about it, so it
 * never sees the new token with stale facts. The data dir's config.json is pointed at the new token when it
 * held the old one.
 */
export function rotateAdminToken(dataDir: string, ttlSeconds: number, now = new Date()): AdminTokenState {
  const p = adminTokenPaths(dataDir);
  const prev = readAdminToken(dataDir);
  const token = `cnt_${randomBytes(24).toString('base64url')}`;
  const meta: AdminTokenMeta = {
    sha256: tokenSha256(token),
    issuedAt: now.toISOString(),
    ...(ttlSeconds > 0 ? { expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() } : {}),
    revoked: prev
      ? [{ sha256: tokenSha256(prev.token), rotatedAt: now.toISOString() }, ...(prev.meta?.revoked ?? [])].slice(
          0,
          KEEP_REVOKED,
        )
      : [],
  };
  writePrivate(p.meta, `${JSON.stringify(meta, null, 2)}\n`);
  writePrivate(p.token, `${token}\n`);
  if (prev && existsSync(p.config)) {
    try {
      const cfg = JSON.parse(readFileSync(p.config, 'utf8')) as { token?: string };
      if (cfg.token === prev.token) writePrivate(p.config, `${JSON.stringify({ ...cfg, token }, null, 2)}\n`);
    } catch {
      /* not ours to repair */
    }
  }
  return { token, meta };
}

/**
 * At start: keeps a valid admin token (adding its facts when an older data dir has none: it then expires `ttl`
 * from now), and replaces a missing or expired one. `rotated` says why a new one was written.
 */
export function ensureAdminTokenState(
  dataDir: string,
  ttlSeconds = DEFAULT_ADMIN_TOKEN_TTL_SECONDS,
  now = new Date(),
): AdminTokenState & { rotated?: 'created' | 'expired' } {
  const cur = readAdminToken(dataDir);
  if (!cur) return { ...rotateAdminToken(dataDir, ttlSeconds, now), rotated: 'created' };
  if (cur.meta?.expiresAt && Date.parse(cur.meta.expiresAt) <= now.getTime())
    return { ...rotateAdminToken(dataDir, ttlSeconds, now), rotated: 'expired' };
  if (cur.meta) return { token: cur.token, meta: cur.meta };
  const meta: AdminTokenMeta = {
    sha256: tokenSha256(cur.token),
    issuedAt: now.toISOString(),
    ...(ttlSeconds > 0 ? { expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() } : {}),
  };
  writePrivate(adminTokenPaths(dataDir).meta, `${JSON.stringify(meta, null, 2)}\n`);
  return { token: cur.token, meta };
}

/**
 * Calls `onChange` with the data dir's admin token whenever admin.token or its facts change and agree (polled
 * every `intervalMs`). Returns the stop function.
 */
export function watchAdminToken(
  dataDir: string,
  onChange: (state: AdminTokenState) => void,
  intervalMs = 300,
): () => void {
  const p = adminTokenPaths(dataDir);
  const check = (): void => {
    const cur = readAdminToken(dataDir);
    if (cur?.meta) onChange({ token: cur.token, meta: cur.meta });
  };
  watchFile(p.token, { interval: intervalMs, persistent: false }, check);
  watchFile(p.meta, { interval: intervalMs, persistent: false }, check);
  return () => {
    unwatchFile(p.token, check);
    unwatchFile(p.meta, check);
  };
}

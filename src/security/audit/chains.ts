// One writer per audit chain: control-plane replicas sharing a data dir each hold their own chain, claimed with a lock file.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { securityPaths } from '../keyfile.js';
import { readAuditPublicKey } from './keys.js';
import { verifyAuditLog, type VerifyResult } from './verify.js';

export interface AuditChain {
  /** "audit" for the first chain (audit/audit.jsonl), "audit-2", "audit-3" ... for further replicas. */
  name: string;
  log: string;
  head: string;
  /** Periodic signed checkpoints of the chain (`<chain>.checkpoints.jsonl`). */
  checkpoints: string;
}

const MAX_CHAINS = 64;
const chainOf = (dir: string, name: string): AuditChain => ({
  name,
  log: join(dir, `${name}.jsonl`),
  head: join(dir, `${name}.head.json`),
  checkpoints: join(dir, `${name}.checkpoints.jsonl`),
});
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Claims the first free chain of the data dir by creating `<chain>.lock` (O_EXCL) with this
 * process's pid and host. A lock left by a dead process of this host is taken over (after kill -9
 * the same chain continues); a live one, or one from another host, moves on to the next chain.
 * Invariant: while the lock is held, no other process appends to the chain.
 */
export function claimAuditChain(dataDir: string): AuditChain & { release(): void } {
  const dir = join(dataDir, 'audit');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let i = 1; i <= MAX_CHAINS; i++) {
    const chain = chainOf(dir, i === 1 ? 'audit' : `audit-${i}`);
    const lock = join(dir, `${chain.name}.lock`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(lock, 'wx', 0o600);
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
        closeSync(fd);
        let released = false;
        return {
          ...chain,
          release: () => {
            if (released) return;
            released = true;
            try {
              unlinkSync(lock);
            } catch {
              /* already gone */
            }
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let owner: { pid?: number; host?: string } = {};
      try {
        owner = JSON.parse(readFileSync(lock, 'utf8')) as typeof owner;
      } catch {
        /* torn lock file: treat as stale */
      }
      const stale =
        owner.host === undefined || (owner.host === hostname() && (typeof owner.pid !== 'number' || !alive(owner.pid)));
      if (!stale) break;
      try {
        unlinkSync(lock);
      } catch {
        /* someone else took it over first */
      }
    }
  }
  throw new Error(`audit log: all ${MAX_CHAINS} chains of ${dir} are held by running processes`);
}

/** Every chain present in the data dir, "audit" first. */
export function auditChains(dataDir: string): AuditChain[] {
  const dir = join(dataDir, 'audit');
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir)
    .filter((f) => /^audit(-[0-9]+)?\.jsonl$/.test(f))
    .map((f) => f.slice(0, -'.jsonl'.length));
  return names
    .sort((a, b) => (a === 'audit' ? -1 : b === 'audit' ? 1 : Number(a.slice(6)) - Number(b.slice(6))))
    .map((n) => chainOf(dir, n));
}

/** `continuum audit verify --data-dir`: every chain of the data dir, each checked in full with the key kept there. */
export async function verifyAuditChains(dataDir: string): Promise<Array<{ chain: string; result: VerifyResult }>> {
  const key = readAuditPublicKey(securityPaths(dataDir).auditKey);
  const out: Array<{ chain: string; result: VerifyResult }> = [];
  for (const c of auditChains(dataDir)) out.push({ chain: c.name, result: await verifyAuditLog(c.log, key, c.head) });
  return out;
}

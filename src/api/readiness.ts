// /readyz: the store, the audit log, free disk space and extra checks; details only for authorised callers.
import { statfsSync } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Security } from '../security/port.js';
import { send } from './content.js';

/** One readiness check: resolves to undefined when fine, else to what is wrong (may hold internal detail). */
export type ReadinessCheck = () => Promise<string | undefined> | string | undefined;

export interface ReadinessOptions {
  store: Store;
  security: Security;
  /** Extra checks by name (e.g. controllers started). */
  checks?: Record<string, ReadinessCheck>;
  /** Directory whose file system must keep `minFreeBytes` free (the data dir); no disk check when absent. */
  dataDir?: string;
  /** Free-space threshold for `dataDir` (default 64 MiB). */
  minFreeBytes?: number;
  /** A check that takes longer than this fails (default 2 s). */
  timeoutMs?: number;
}

export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024;

/** Free bytes available to this process on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

const mib = (n: number): string => `${Math.floor(n / (1024 * 1024))} MiB`;

/** All checks by name: store, audit, disk (when a data dir is known), then the extra ones. */
export function readinessChecks(o: ReadinessOptions): Record<string, ReadinessCheck> {
  const min = o.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  return {
    store: async () => {
      try {
        await o.store.revision();
        return undefined;
      } catch (e) {
        const cause = (e as { cause?: unknown }).cause;
        return `store unavailable: ${((cause ?? e) as Error).message}`;
      }
    },
    audit: () => o.security.health?.(),
    ...(o.dataDir
      ? {
          disk: () => {
            const free = freeBytes(o.dataDir!);
            return free < min ? `only ${mib(free)} free in ${o.dataDir} (threshold ${mib(min)})` : undefined;
          },
        }
      : {}),
    ...o.checks,
  };
}

async function run(check: ReadinessCheck, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>(
    (r) => (timer = setTimeout(() => r(`no answer within ${timeoutMs} ms`), timeoutMs)),
  );
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (e) {
    return (e as Error).message;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the caller may see failure details (holders of `metrics:read`, i.e. operators); never throws. */
async function maySeeDetails(security: Security, req: FastifyRequest): Promise<boolean> {
  if (!req.headers.authorization) return false;
  try {
    await security.authorizeNonResource(await security.authenticate(req.headers), 'metrics:read');
    return true;
  } catch {
    return false;
  }
}

/**
 * GET /readyz → 200 {status: 'ready', checks} or 503 problem+json naming the failing checks. Anonymous callers see
 * only check names (store, audit, disk …); operators (metrics:read) also see what is wrong.
 */
export function readinessRoute(app: FastifyInstance, o: ReadinessOptions): void {
  const checks = readinessChecks(o);
  const timeoutMs = o.timeoutMs ?? 2000;
  app.get('/readyz', async (req, reply) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, c]) => [name, await run(c, timeoutMs)] as const),
    );
    const failed = results.filter(([, r]) => r !== undefined);
    if (!failed.length)
      return send(req, reply, 200, { status: 'ready', checks: Object.fromEntries(results.map(([n]) => [n, 'ok'])) });
    const details = await maySeeDetails(o.security, req);
    throw new ApiError(
      'Unavailable',
      `not ready: ${failed.map(([n, r]) => (details ? `${n}: ${r}` : n)).join('; ')}`,
      failed.map(([n, r]) => ({ field: `checks.${n}`, message: details ? r! : 'failing' })),
      { 'Retry-After': '5' },
    );
  });
}

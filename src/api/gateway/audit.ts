// Gateway audit: every request counted with its client address; the first per key and window written in full.
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../../security/port.js';

/** One finished gateway request. */
export interface GatewayRequestFact {
  requestId: string;
  subject: string;
  namespace: string;
  deployment: string;
  ip: string;
  method: string;
  path: string;
  status: number;
  /** Error code when the gateway itself refused or failed (BadRequest, Unavailable ...). */
  code?: string;
}

export interface GatewayAuditOptions {
  /** Aggregation window (default 10 s). */
  windowMs?: number;
  /** Distinct (subject, deployment, address) keys kept per window before further ones share one overflow key. */
  maxKeys?: number;
}

interface Bucket {
  first: GatewayRequestFact;
  more: number;
  statuses: Map<number, number>;
}

/**
 * Audits gateway traffic at bounded cost. Per window and key (subject, namespace/deployment, client address): the
 * first request is written as its own record (verb `gateway`, with path, status and address); later ones are
 * counted, and when the window closes one `gateway:aggregate` record states how many more there were, by status.
 * Records per window are thus at most 2 × keys (keys capped by maxKeys, then one overflow key), whatever the rate.
 */
export class GatewayAudit {
  private buckets = new Map<string, Bucket>();
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: (entry: AuditEntry) => void | Promise<unknown>,
    private readonly onError: (err: unknown) => void,
    o: GatewayAuditOptions = {},
  ) {
    this.windowMs = o.windowMs ?? 10_000;
    this.maxKeys = o.maxKeys ?? 10_000;
  }

  record(f: GatewayRequestFact): void {
    let key = `${f.subject}\u0000${f.namespace}/${f.deployment}\u0000${f.ip}`;
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) key = '\u0000overflow';
    const b = this.buckets.get(key);
    if (b) {
      b.more++;
      b.statuses.set(f.status, (b.statuses.get(f.status) ?? 0) + 1);
      return;
    }
    this.buckets.set(key, { first: f, more: 0, statuses: new Map() });
    this.write(this.entry(f, 'gateway'));
    this.timer ??= setTimeout(() => this.flush(), this.windowMs).unref();
  }

  /** Writes the aggregate records of the current window and starts a new one. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const buckets = this.buckets;
    this.buckets = new Map();
    for (const [key, b] of buckets) {
      if (!b.more) continue;
      const by = [...b.statuses].sort((x, y) => x[0] - y[0]).map(([s, n]) => `${s}×${n}`);
      const who = key === '\u0000overflow' ? 'from other addresses and subjects ' : '';
      this.write({
        ...this.entry(b.first, 'gateway:aggregate'),
        requestId: `aggregate-${randomUUID()}`,
        reason:
          `${b.more} more gateway requests ${who}in ${this.windowMs / 1000} s after ${b.first.requestId}: ` +
          by.join(', '),
      });
    }
  }

  private entry(f: GatewayRequestFact, verb: string): AuditEntry {
    return {
      requestId: f.requestId,
      subject: f.subject,
      verb,
      resource: { kind: 'Deployment', namespace: f.namespace, name: f.deployment, subresource: 'gateway' },
      outcome:
        f.status < 400 ? 'allowed' : f.status === 401 ? 'unauthenticated' : f.status === 403 ? 'denied' : 'error',
      status: f.status,
      ...(f.code ? { code: f.code } : {}),
      path: `${f.method} ${f.path}`.slice(0, 1024),
      ip: f.ip,
    };
  }

  private write(e: AuditEntry): void {
    try {
      const p = this.sink(e);
      if (p && typeof (p as Promise<unknown>).catch === 'function') (p as Promise<unknown>).catch(this.onError);
    } catch (err) {
      this.onError(err);
    }
  }
}

// Counts each namespace's API use (objects per kind, stored bytes, tokens, open watches, connections) for ApiQuota.
import {
  allKinds,
  ApiQuotaKind,
  SYSTEM_NAMESPACE,
  type AnyResource,
  resourceKey,
  type ApiQuotaSpec,
  type ApiQuotaUsage,
  type KindDef,
} from '../../model/index.js';
import { parseLabelSelector, type Admission, type Store, type Watch } from '../../store/index.js';
import { counted, keyOf, sizeOf, tokenOf } from './counted.js';
import { combine, DEFAULT_QUOTA, objectLimit, quotaRefusal, type QuotaLimits } from './limits.js';

/** A reservation of an admitted write not yet seen committed lasts this long (a failed commit frees it then). */
const RESERVATION_MS = 30_000;

interface Entry {
  ns: string;
  kind: string;
  bytes: number;
  /** Token records: the tenant, and until when the token counts (revoked ones do not). */
  tenant?: string;
  tokenUntil?: number;
}

/** The counts of what the store holds. */
interface Counts {
  entries: Map<string, Entry>;
  /** Per namespace: objects per kind and bytes of the counted entries. */
  sums: Map<string, { objects: Map<string, number>; bytes: number }>;
  /** Per tenant: valid-until of each Token record counted. */
  tokens: Map<string, Map<string, number>>;
  /** Per namespace: the ApiQuotas by name. */
  quotas: Map<string, Map<string, ApiQuotaSpec>>;
}
const newCounts = (): Counts => ({ entries: new Map(), sums: new Map(), tokens: new Map(), quotas: new Map() });

interface Reservation {
  ns: string;
  kind: string;
  /** 1 for a create, 0 for an update. */
  count: number;
  bytes: number;
  tenant?: string;
  expires: number;
}

/**
 * One per control-plane process. Objects, bytes and tokens come from the store (a scan at start, then a watch of
 * every kind), so every replica counts them alike; watches and connections are this replica's own. Admission
 * reserves what it lets through until the watch shows it committed, so a burst of parallel creates cannot
 * overshoot a limit.
 */
export class QuotaTracker {
  /** What the store holds; replaced as a whole by a re-scan, so admission never sees a half-built count. */
  private counts: Counts = newCounts();
  private readonly reservations = new Map<string, Reservation>();
  private readonly open = { watches: new Map<string, number>(), connections: new Map<string, number>() };
  private watch: Watch | undefined;
  private stopped = false;
  /** Resolves once the initial scan is done. */
  private ready: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly defaults: QuotaLimits = DEFAULT_QUOTA,
    private readonly now: () => number = Date.now,
  ) {}

  /** Scans the store, then follows its changes (re-scanning if the watch falls behind compaction). */
  start(): Promise<void> {
    this.ready ??= this.sync();
    return this.ready;
  }

  private async sync(): Promise<void> {
    const from = await this.store.revision();
    const fresh = newCounts();
    for (const kind of allKinds()) await this.scan(kind, fresh);
    const sel = parseLabelSelector(undefined);
    const w = await this.store.hub.watch({ labels: sel, fields: sel }, from);
    // The new watch replays every change since `from` onto the fresh counts (applying is idempotent).
    this.counts = fresh;
    this.watch?.close();
    this.watch = w;
    void this.follow(w);
  }

  private async scan(kind: KindDef, into: Counts): Promise<void> {
    let after: { namespace: string; name: string } | undefined;
    for (;;) {
      const page = await this.store.backend.scan(resourceKey(kind), undefined, after, 1000);
      for (const item of page.items) this.apply('ADDED', item.object, into);
      if (page.items.length < 1000) return;
      const last = page.items[page.items.length - 1].object.metadata;
      after = { namespace: last.namespace ?? '', name: last.name };
    }
  }

  private async follow(w: Watch): Promise<void> {
    try {
      for await (const ev of w) if (ev.type !== 'BOOKMARK') this.apply(ev.type, ev.object);
    } catch {
      /* fell behind compaction (410), or the store failed */
    }
    if (this.stopped || w !== this.watch) return;
    // Count again from a fresh scan, retrying while the store is unavailable; the old counts serve meanwhile.
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.sync();
        return;
      } catch {
        await new Promise<void>((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)).unref());
      }
    }
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: AnyResource, c: Counts = this.counts): void {
    const key = keyOf(o);
    this.reservations.delete(key);
    if (o.kind === ApiQuotaKind.kind && o.metadata.namespace) {
      const byName = c.quotas.get(o.metadata.namespace) ?? new Map<string, ApiQuotaSpec>();
      if (type === 'DELETED') byName.delete(o.metadata.name);
      else byName.set(o.metadata.name, (o.spec ?? {}) as ApiQuotaSpec);
      c.quotas.set(o.metadata.namespace, byName);
    }
    this.remove(c, key);
    if (type === 'DELETED') return;
    const token = tokenOf(o, this.now());
    if (!counted(o) && !token) return;
    const e: Entry = {
      ns: o.metadata.namespace ?? '',
      kind: o.kind,
      bytes: counted(o) ? sizeOf(o) : 0,
      ...(token ? { tenant: token.tenant, tokenUntil: token.until } : {}),
    };
    c.entries.set(key, e);
    this.add(c, key, e, 1);
  }

  private remove(c: Counts, key: string): void {
    const e = c.entries.get(key);
    if (!e) return;
    c.entries.delete(key);
    this.add(c, key, e, -1);
  }

  /** Keeps the per-namespace sums in step with `entries`. */
  private add(c: Counts, key: string, e: Entry, sign: 1 | -1): void {
    if (e.tenant) {
      const t = c.tokens.get(e.tenant) ?? new Map<string, number>();
      if (sign > 0) t.set(key, e.tokenUntil ?? 0);
      else t.delete(key);
      if (t.size) c.tokens.set(e.tenant, t);
      else c.tokens.delete(e.tenant);
    }
    if (!e.bytes) return;
    const a = c.sums.get(e.ns) ?? { objects: new Map<string, number>(), bytes: 0 };
    a.objects.set(e.kind, (a.objects.get(e.kind) ?? 0) + sign);
    if (!a.objects.get(e.kind)) a.objects.delete(e.kind);
    a.bytes += sign * e.bytes;
    if (a.objects.size) c.sums.set(e.ns, a);
    else c.sums.delete(e.ns);
  }

  /** The limits in force in `ns` and which ApiQuota set each. */
  limits(ns: string): { limits: QuotaLimits; source: Record<string, string> } {
    const qs = [...(this.counts.quotas.get(ns) ?? new Map<string, ApiQuotaSpec>())].map(([name, spec]) => ({
      name,
      spec,
    }));
    return combine(this.defaults, qs);
  }

  /** Usage of `ns`, reservations of admitted writes included. */
  usage(ns: string): ApiQuotaUsage {
    const now = this.now();
    const u: ApiQuotaUsage = {
      objects: {},
      bytes: 0,
      watches: this.open.watches.get(ns) ?? 0,
      tokens: 0,
      connections: this.open.connections.get(ns) ?? 0,
    };
    for (const until of this.counts.tokens.get(ns)?.values() ?? []) if (until > now) u.tokens += 1;
    const a = this.counts.sums.get(ns);
    if (a) {
      u.objects = Object.fromEntries(a.objects);
      u.bytes = a.bytes;
    }
    for (const [k, r] of this.reservations) {
      if (r.expires <= now) {
        this.reservations.delete(k);
        continue;
      }
      if (r.tenant === ns) u.tokens += r.count;
      if (r.ns !== ns) continue;
      if (r.count) u.objects[r.kind] = (u.objects[r.kind] ?? 0) + r.count;
      u.bytes += r.bytes;
    }
    return u;
  }

  /** Store admission: refuses creates and growing updates beyond the namespace's limits, and reserves the rest. */
  readonly admission: Admission = async (op, kind, obj, old) => {
    if (op === 'delete') return;
    await this.ready;
    const token = op === 'create' ? tokenOf(obj, this.now()) : undefined;
    if (token) {
      const used = this.usage(token.tenant).tokens;
      const { limits, source } = this.limits(token.tenant);
      if (used + 1 > limits.tokens)
        throw quotaRefusal(token.tenant, 'tokens', 'valid tokens', limits.tokens, used, 1, source.tokens);
    }
    if (!counted(obj)) {
      if (token) this.reserve(obj, { ns: '', kind: kind.kind, count: 1, bytes: 0, tenant: token.tenant });
      return;
    }
    const ns = obj.metadata.namespace!;
    const bytes = sizeOf(obj);
    const delta = bytes - (old ? sizeOf(old) : 0);
    // Status and deletion marks (writes of controllers) may grow an object even at the limit.
    const userChange =
      !old ||
      JSON.stringify([obj.spec, obj.metadata.labels, obj.metadata.annotations]) !==
        JSON.stringify([old.spec, old.metadata.labels, old.metadata.annotations]);
    const used = this.usage(ns);
    const { limits, source } = this.limits(ns);
    if (op === 'create') {
      const limit = objectLimit(limits, kind.kind);
      const n = used.objects[kind.kind] ?? 0;
      if (n + 1 > limit) {
        const field = limits.objects[kind.kind] !== undefined ? `objects.${kind.kind}` : 'objectsPerKind';
        throw quotaRefusal(ns, field, `${kind.kind} objects`, limit, n, 1, source[field]);
      }
    }
    if (delta > 0 && userChange && used.bytes + delta > limits.bytes)
      throw quotaRefusal(ns, 'bytes', 'bytes of stored objects', limits.bytes, used.bytes, delta, source.bytes);
    this.reserve(obj, { ns, kind: kind.kind, count: op === 'create' ? 1 : 0, bytes: Math.max(0, delta) });
  };

  private reserve(obj: AnyResource, r: Omit<Reservation, 'expires'>): void {
    this.reservations.set(keyOf(obj), { ...r, expires: this.now() + RESERVATION_MS });
  }

  /**
   * Counts one open watch or connection against every namespace the caller holds a grant in; throws 429 when one
   * of them is full. Returns the release (idempotent).
   */
  acquire(what: 'watches' | 'connections', tenants: readonly string[] | undefined): () => void {
    const open = this.open[what];
    const held = (tenants ?? []).filter((ns) => ns !== SYSTEM_NAMESPACE);
    for (const ns of held) {
      const { limits, source } = this.limits(ns);
      const n = open.get(ns) ?? 0;
      if (n + 1 > limits[what])
        throw quotaRefusal(
          ns,
          what,
          what === 'watches' ? 'open watches' : 'concurrent connections',
          limits[what],
          n,
          1,
          source[what],
        );
    }
    for (const ns of held) open.set(ns, (open.get(ns) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const ns of held) {
        const n = (open.get(ns) ?? 1) - 1;
        if (n <= 0) open.delete(ns);
        else open.set(ns, n);
      }
    };
  }

  stop(): void {
    this.stopped = true;
    this.watch?.close();
  }
}

// Event correlator (after Kubernetes' client-go): folds repeats into a count and rate-limits per object and reason.

export interface CorrelatorOptions {
  /**
   * A repeat of an event already stored rewrites it (count, lastTimestamp) at most this often (default 60 s);
   * repeats in between are counted in memory and folded into the next write.
   */
  repeatIntervalMs?: number;
  /** Token bucket per involved object + reason: at most `burst` writes at once (default 25) ... */
  burst?: number;
  /** ... then one more per `refillMs` (default 10 s). */
  refillMs?: number;
  /** Events and buckets remembered (least recently used forgotten first; default 4096). */
  maxEntries?: number;
}

/** What to do with one occurrence: nothing (folded or limited), or write it with `pending` new occurrences. */
export type Decision = { write: false } | { write: true; pending: number };

interface Entry {
  /** Occurrences not yet written to the store. */
  pending: number;
  /** When the event was last written (ms), or undefined if never by this correlator. */
  lastWrite: number | undefined;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Invariants: every occurrence is counted exactly once in some write, unless it is still pending or was
 * forgotten by the LRU bound; an event key is written at most once per `repeatIntervalMs`; the writes of one
 * (object, reason) never exceed `burst + elapsed / refillMs`.
 */
export class EventCorrelator {
  private readonly events = new Map<string, Entry>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly o: Required<CorrelatorOptions>;

  constructor(opts: CorrelatorOptions = {}) {
    this.o = { repeatIntervalMs: 60_000, burst: 25, refillMs: 10_000, maxEntries: 4096, ...opts };
  }

  /** Records one occurrence of event `key` about `bucketKey` (object + reason) at `now` (ms). */
  observe(key: string, bucketKey: string, now: number): Decision {
    const e = touch(this.events, key, () => ({ pending: 0, lastWrite: undefined }), this.o.maxEntries);
    e.pending++;
    if (e.lastWrite !== undefined && now - e.lastWrite < this.o.repeatIntervalMs) return { write: false };
    const b = touch(this.buckets, bucketKey, () => ({ tokens: this.o.burst, at: now }), this.o.maxEntries);
    const refilled = Math.floor((now - b.at) / this.o.refillMs);
    if (refilled > 0) {
      b.tokens = Math.min(this.o.burst, b.tokens + refilled);
      b.at = b.tokens === this.o.burst ? now : b.at + refilled * this.o.refillMs;
    }
    if (b.tokens < 1) return { write: false };
    b.tokens--;
    const pending = e.pending;
    e.pending = 0;
    e.lastWrite = now;
    return { write: true, pending };
  }

  /** A write that failed: its occurrences stay pending and the next occurrence may write again. */
  failed(key: string, pending: number): void {
    const e = this.events.get(key);
    if (!e) return;
    e.pending += pending;
    e.lastWrite = undefined;
  }
}

/** Gets or creates `key`, marking it most recently used and evicting the least recently used beyond `max`. */
function touch<V>(map: Map<string, V>, key: string, make: () => V, max: number): V {
  let v = map.get(key);
  if (v !== undefined) map.delete(key);
  else v = make();
  map.set(key, v);
  if (map.size > max) map.delete(map.keys().next().value as string);
  return v;
}

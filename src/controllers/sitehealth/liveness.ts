// Site liveness from Lease renewals as *this* process observed them, with our own event-loop stalls forgiven.

/** A monotonic millisecond clock (performance.now by default): immune to wall-clock steps. */
export type Monotonic = () => number;

interface Seen {
  /** The lease's resourceVersion when last seen changing. */
  version: string;
  /** Local monotonic time of that observation (shifted forward by our own stalls). */
  at: number;
  /** Lease duration the agent asked for (3 heartbeats), ms. */
  durationMs: number;
  /** Whether a renewal was seen after this tracker started (a stale lease listed at start is not one). */
  renewed: boolean;
}

/**
 * Invariants: the age of a site is measured only between two readings of our own monotonic clock, never
 * against a timestamp another machine wrote; time during which our event loop was stalled does not count;
 * a site that was never seen renewing is aged from the tracker's start (agents get a grace period to reconnect).
 */
export class LivenessTracker {
  private readonly seen = new Map<string, Seen>();
  private startedAt: number;
  private lastTick: number;
  /** Total stalled time forgiven, ms, and how often. */
  stalledMs = 0;
  stalls = 0;

  constructor(
    private readonly now: Monotonic,
    /** The period at which `tick` is called; a longer gap than period + threshold is a stall. */
    private readonly periodMs = 250,
    private readonly stallThresholdMs = 1000,
    private readonly onStall: (ms: number) => void = () => undefined,
  ) {
    this.startedAt = now();
    this.lastTick = this.startedAt;
  }

  /**
   * Measures our own event-loop delay since the previous tick: a stall beyond the threshold is forgiven to
   * every site (their ages shift forward by it). Call periodically and before judging a site.
   */
  tick(): number {
    const t = this.now();
    const stall = t - this.lastTick - this.periodMs;
    this.lastTick = t;
    if (stall <= this.stallThresholdMs) return 0;
    this.startedAt += stall;
    for (const s of this.seen.values()) s.at += stall;
    this.stalledMs += stall;
    this.stalls++;
    this.onStall(stall);
    return stall;
  }

  /** A lease of `site` was seen with `version`; `initial` when it comes from the first listing. */
  observe(site: string, version: string, durationMs: number, initial: boolean): void {
    const prev = this.seen.get(site);
    if (prev && prev.version === version) return;
    // A change of a lease we knew, or a lease created after the first listing, is a renewal.
    this.seen.set(site, { version, at: this.now(), durationMs, renewed: prev !== undefined || !initial });
  }

  forget(site: string): void {
    this.seen.delete(site);
  }

  /** Milliseconds since the site was last seen renewing (or since our start), and what we know of it. */
  age(site: string): { ageMs: number; durationMs: number; renewed: boolean; known: boolean } {
    const s = this.seen.get(site);
    return {
      ageMs: this.now() - (s?.at ?? this.startedAt),
      durationMs: s?.durationMs ?? 0,
      renewed: s?.renewed ?? false,
      known: s !== undefined,
    };
  }
}

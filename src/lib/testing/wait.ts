// The one way tests wait for a condition: poll a probe a bounded number of times and name what was awaited.

type Falsy = false | undefined | null | '' | 0;

/** Default budget of a wait: generous, because two cores are shared by every test file running in parallel. */
export const WAIT_TIMEOUT_MS = 10_000;
export const WAIT_INTERVAL_MS = 25;
/** How many times `timeoutMs` a wait may take on the wall clock when its probes are slow. */
export const WAIT_CEILING = 2;

/**
 * Polls `probe` until it returns a truthy value, and resolves with that value. A probe that throws counts
 * as "not yet" (e.g. a server not listening yet). The wait is bounded by a count of attempts
 * (`timeoutMs / intervalMs`) rather than by the wall clock: on a loaded machine each attempt takes longer and
 * the wait stretches with it instead of failing early. So that slow probes cannot stretch it without end, it
 * also gives up after `WAIT_CEILING × timeoutMs`. On failure the error names `what`, the attempts made, and
 * the last value or error seen: a probe that asserts (`expect(x).toBe(y); return true`) gets its last
 * assertion message into the failure.
 */
export async function waitFor<T>(
  probe: () => T | Falsy | Promise<T | Falsy>,
  what: string,
  timeoutMs = WAIT_TIMEOUT_MS,
  intervalMs = WAIT_INTERVAL_MS,
): Promise<T> {
  const attempts = Math.max(1, Math.ceil(timeoutMs / intervalMs));
  const started = Date.now();
  let last: { value: unknown } | { error: unknown } = { value: undefined };
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await probe();
      if (value) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    const elapsed = Date.now() - started;
    if (attempt >= attempts || elapsed >= WAIT_CEILING * timeoutMs) {
      const seen = 'error' in last ? `last error: ${describe(last.error)}` : `last value: ${describe(last.value)}`;
      throw new Error(
        `timed out waiting for ${what} (${attempt} attempts over ${elapsed} ms; ${seen})`,
        'error' in last ? { cause: last.error } : undefined,
      );
    }
    await sleep(intervalMs);
  }
}

/**
 * Resolves after `ms`. Not for synchronisation (use waitFor): only where the passing time is what a test
 * checks, e.g. "nothing happens for a while"; say so at the call site.
 */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function describe(v: unknown): string {
  if (v instanceof Error) return v.message;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

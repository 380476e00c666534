// Event correlator: repeats folded into counts, a write per repeat interval, a token bucket per object and reason.
import { describe, expect, it } from 'vitest';
import { EventCorrelator } from './correlator.js';

/** Feeds occurrences [ms, event key, bucket key] and returns the writes as [ms, key, pending]. */
function run(c: EventCorrelator, occ: Array<[number, string, string]>): Array<[number, string, number]> {
  const out: Array<[number, string, number]> = [];
  for (const [t, k, b] of occ) {
    const d = c.observe(k, b, t);
    if (d.write) out.push([t, k, d.pending]);
  }
  return out;
}

describe('EventCorrelator', () => {
  const cases: Array<{
    name: string;
    opts: ConstructorParameters<typeof EventCorrelator>[0];
    occ: Array<[number, string, string]>;
    writes: Array<[number, string, number]>;
  }> = [
    {
      name: 'a new event is written at once',
      opts: {},
      occ: [[0, 'e1', 'o|R']],
      writes: [[0, 'e1', 1]],
    },
    {
      name: 'repeats within the interval are folded into the next write',
      opts: { repeatIntervalMs: 1000 },
      occ: [
        [0, 'e1', 'o|R'],
        [100, 'e1', 'o|R'],
        [500, 'e1', 'o|R'],
        [999, 'e1', 'o|R'],
        [1000, 'e1', 'o|R'],
        [1500, 'e1', 'o|R'],
      ],
      writes: [
        [0, 'e1', 1],
        [1000, 'e1', 4],
      ],
    },
    {
      name: 'distinct messages for one object and reason share a bucket',
      opts: { burst: 2, refillMs: 1000 },
      occ: [
        [0, 'a', 'o|R'],
        [1, 'b', 'o|R'],
        [2, 'c', 'o|R'],
        [3, 'x', 'other|R'],
        [1000, 'd', 'o|R'],
        [1001, 'e', 'o|R'],
      ],
      writes: [
        [0, 'a', 1],
        [1, 'b', 1],
        [3, 'x', 1],
        [1000, 'd', 1],
      ],
    },
    {
      name: 'a limited event keeps its occurrences for a later write',
      opts: { burst: 1, refillMs: 1000, repeatIntervalMs: 0 },
      occ: [
        [0, 'a', 'o|R'],
        [10, 'b', 'o|R'],
        [20, 'b', 'o|R'],
        [1000, 'b', 'o|R'],
      ],
      writes: [
        [0, 'a', 1],
        [1000, 'b', 3],
      ],
    },
  ];
  for (const c of cases) it(c.name, () => expect(run(new EventCorrelator(c.opts), c.occ)).toEqual(c.writes));

  it('a failed write keeps its occurrences and may be retried at once', () => {
    const c = new EventCorrelator({ repeatIntervalMs: 60_000 });
    const d = c.observe('e', 'o|R', 0);
    expect(d).toEqual({ write: true, pending: 1 });
    c.failed('e', 1);
    expect(c.observe('e', 'o|R', 1)).toEqual({ write: true, pending: 2 });
  });

  it('an event retried every second for an hour is written once a minute at most', () => {
    const c = new EventCorrelator();
    let writes = 0;
    let total = 0;
    for (let t = 0; t < 3_600_000; t += 1000) {
      const d = c.observe('e', 'o|R', t);
      if (d.write) {
        writes++;
        total += d.pending;
      }
    }
    expect(writes).toBe(60);
    expect(total).toBeLessThanOrEqual(3600);
    expect(total).toBeGreaterThan(3540);
  });

  it('forgets the least recently used beyond its bound', () => {
    const c = new EventCorrelator({ maxEntries: 2 });
    c.observe('a', 'a', 0);
    c.observe('b', 'b', 0);
    c.observe('c', 'c', 0);
    // 'a' was forgotten: it counts as new and is written again despite the repeat interval.
    expect(c.observe('a', 'a', 1)).toEqual({ write: true, pending: 1 });
    expect(c.observe('c', 'c', 1)).toEqual({ write: false });
  });
});

// Tests for the printable explanation of a stored placement (what `continuum explain` shows).
import { describe, expect, it } from 'vitest';
import { place } from './engine.js';
import { formatAssignment, formatExplanation } from './explain.js';
import { comp, req, site, snap } from './testing/fixtures.js';

describe('formatExplanation', () => {
  it('prints each group summary, then each replica with its score breakdown, then what is unplaced', () => {
    const s = snap([
      site('mad-1', { near: 'madrid', category: 'far-edge' }),
      site('ber-1'),
      site('zrh', { country: 'CH' }),
    ]);
    const d = place(
      s,
      req([
        comp('api', {
          requirements: { jurisdiction: { euOnly: true } },
          groups: [{ area: 'madrid', replicas: 1, latency: [{ area: 'madrid', maxMs: 10 }] }],
        }),
        comp('gpu', { resources: { cpu: 1000, memory: 1024, gpu: 1, storage: 0 } }),
      ]),
    );
    const lines = formatExplanation(d);
    expect(lines[0]).toBe(
      '1/3 sites fit component api in Madrid: 1 outside the EU, 1 over 10 ms from Madrid; placed 1/1 replica on mad-1 (weights: latency 40, price 30, carbon 15, balance 15)',
    );
    expect(lines[1]).toMatch(
      /^ {2}api\/0@madrid -> mad-1 \(eu-cloud\) as process: score \d+(\.\d)? \(latency 90\.9, price 50, carbon [\d.]+, balance [\d.]+\); 2 ms; 0\.0225\/h; 304 gCO2\/kWh$/,
    );
    expect(lines[2]).toBe('0/3 sites fit component gpu: 3 lack gpu (need 1); placed 0/1 replica');
    expect(lines[3]).toBe('unplaced: gpu/0');
    expect(lines).toHaveLength(4);
  });

  it.each([
    ['bare assignment', { component: 'c', replica: 0, site: 's' }, '  c/0 -> s'],
    [
      'with everything',
      {
        component: 'c',
        replica: 2,
        area: 'x',
        site: 's',
        provider: 'p',
        score: 71.456,
        scores: { price: 50 },
        latencyMs: 3.14159,
        pricePerHour: 0.123456,
        carbonIntensity: 55.4,
      },
      '  c/2@x -> s (p): score 71.5 (price 50); 3.1 ms; 0.1235/h; 55 gCO2/kWh',
    ],
  ])('formatAssignment: %s', (_name, a, expected) => {
    expect(formatAssignment(a)).toBe(expected);
  });
});

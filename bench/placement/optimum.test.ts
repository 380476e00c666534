// Tests for the HiGHS model of a batch: on a tiny instance its optimum equals brute force and the batch result.
import { describe, expect, it } from 'vitest';
import { buildBatchModel, placeBatch } from '../../src/placement/index.js';
import { comp, req, site, snap } from '../../src/placement/testing/fixtures.js';
import { batchLp, solveOptimum } from './optimum.js';

describe('batch MIP', () => {
  it('has one row per replica and per used site dimension, and solves to the batch optimum', async () => {
    const s = snap([
      site('a', { allocatable: { cpu: 1000, memory: 4096, gpu: 0, storage: 0 } }),
      site('b', { near: 'paris', allocatable: { cpu: 1000, memory: 4096, gpu: 0, storage: 0 } }),
    ]);
    const requests = [
      req(
        [
          comp('x', {
            resources: { cpu: 1000, memory: 10, gpu: 0, storage: 0 },
            groups: [{ area: 'berlin', replicas: 1, latency: [] }],
          }),
        ],
        'x',
      ),
      req(
        [
          comp('y', {
            resources: { cpu: 1000, memory: 10, gpu: 0, storage: 0 },
            requirements: { jurisdiction: { allowedCountries: ['DE'] } },
          }),
        ],
        'y',
      ),
    ];
    const m = buildBatchModel(s, requests, { seed: 0, candidates: Infinity, exhaustive: true });
    const { variables, rows, lp } = batchLp(m);
    expect(variables).toBe(2 + 3);
    expect(rows).toBe(2 + 2 * 2);
    expect(lp).toMatch(/^Minimize\n obj: /);
    const opt = await solveOptimum(m, 10);
    expect(opt.status).toBe('optimal');
    const batch = placeBatch(s, requests);
    expect(batch.objective).toBeCloseTo(opt.objective, 6);
    expect(opt.bound).toBeLessThanOrEqual(opt.objective + 1e-6);
  });
});

// Tests for readiness, maintenance and taints with tolerations.
import { describe, expect, it } from 'vitest';
import type { Toleration } from '../../model/index.js';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { taintsFilter, tolerates } from './taints.js';

const sites = [
  site('ok'),
  site('down', { ready: false }),
  site('maint', { unschedulable: true }),
  site('gpu-only', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
  site('soft', { taints: [{ key: 'noisy', effect: 'PreferNoSchedule' }] }),
];

describe('taints filter', () => {
  it.each<[string, Toleration[], Record<string, number>, string[]]>([
    [
      'no tolerations',
      [],
      { ok: 0, down: 1, maint: 2, 'gpu-only': 3, soft: 0 },
      ['1 not ready', '1 in maintenance', '1 have taints the component does not tolerate'],
    ],
    [
      'tolerates dedicated=gpu',
      [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      { ok: 0, down: 1, maint: 2, 'gpu-only': 0, soft: 0 },
      ['1 not ready', '1 in maintenance'],
    ],
    [
      'wrong value does not tolerate',
      [{ key: 'dedicated', value: 'telco' }],
      { ok: 0, down: 1, maint: 2, 'gpu-only': 3, soft: 0 },
      ['1 not ready', '1 in maintenance', '1 have taints the component does not tolerate'],
    ],
    [
      'tolerates maintenance explicitly',
      [{ key: 'continuum.io/unschedulable', operator: 'Exists' }],
      { ok: 0, down: 1, maint: 0, 'gpu-only': 3, soft: 0 },
      ['1 not ready', '1 have taints the component does not tolerate'],
    ],
    ['tolerates everything', [{ operator: 'Exists' }], { ok: 0, down: 0, maint: 0, 'gpu-only': 0, soft: 0 }, []],
  ])('%s', (_name, tolerations, expected, why) => {
    const h = harness(sites, comp('api', { tolerations }));
    expect(verdicts(taintsFilter, h)).toEqual(expected);
    expect(reasons(taintsFilter, h)).toEqual(why);
    expect(nodeContradictions(taintsFilter, h)).toEqual([]);
  });

  it.each<[string, Toleration, boolean]>([
    ['exists on key', { key: 'k', operator: 'Exists' }, true],
    ['equal value', { key: 'k', value: 'v' }, true],
    ['other value', { key: 'k', value: 'w' }, false],
    ['effect mismatch', { key: 'k', value: 'v', effect: 'NoExecute' }, false],
    ['empty key without Exists matches nothing', { value: 'v' }, false],
  ])('tolerates: %s', (_name, t, expected) => {
    expect(tolerates([t], { key: 'k', value: 'v', effect: 'NoSchedule' })).toBe(expected);
  });
});

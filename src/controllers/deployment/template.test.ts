// Workload names: the area is part of the name, the result is a valid name of at most 63 characters.
import { describe, expect, it } from 'vitest';
import { NAME_PATTERN } from '../../model/index.js';
import { workloadName } from './template.js';

describe('workloadName', () => {
  const cases: Array<[string, Parameters<typeof workloadName>, RegExp]> = [
    ['no area', ['shop', { component: 'web', index: 0, id: 'web-0' }, 'h', 's'], /^shop-web-0-[0-9a-f]{6}$/],
    [
      'with area',
      ['vc', { component: 'sfu', area: 'zurich', index: 1, id: 'sfu@zurich-1' }, 'h', 's'],
      /^vc-sfu-zurich-1-[0-9a-f]{6}$/,
    ],
    [
      'long names are cut, area kept',
      ['d'.repeat(60), { component: 'c'.repeat(40), area: 'london', index: 12, id: 'x' }, 'h', 's'],
      /^d+-london-12-[0-9a-f]{6}$/,
    ],
  ];
  for (const [name, args, want] of cases)
    it(name, () => {
      const n = workloadName(...args);
      expect(n).toMatch(want);
      expect(n.length).toBeLessThanOrEqual(63);
      expect(n).toMatch(new RegExp(NAME_PATTERN));
    });

  it('two areas never share a name for the same index', () => {
    const a = workloadName('vc', { component: 'sfu', area: 'zurich', index: 0, id: 'a' }, 'h', 's');
    const b = workloadName('vc', { component: 'sfu', area: 'london', index: 0, id: 'b' }, 'h', 's');
    expect(a.replace(/-[0-9a-f]{6}$/, '')).not.toBe(b.replace(/-[0-9a-f]{6}$/, ''));
  });
});

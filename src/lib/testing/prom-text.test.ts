// The test parser of the Prometheus text format accepts valid expositions and rejects each kind of malformed one.
import { describe, expect, it } from 'vitest';
import { parsePromText, promValue } from './prom-text.js';

const HIST = `# HELP h x\n# TYPE h histogram\nh_bucket{r="a",le="1"} 1\nh_bucket{r="a",le="+Inf"} 2\nh_sum{r="a"} 3\nh_count{r="a"} 2\n`;

describe('parsePromText', () => {
  it('reads families, types, escaped labels and histogram samples', () => {
    const f = parsePromText(`# TYPE c counter\nc{x="a\\"b",y="\\\\"} 3\n${HIST}`);
    expect(f.get('c')?.samples[0]).toEqual({ name: 'c', labels: { x: 'a"b', y: '\\' }, value: 3 });
    expect(promValue(f, 'h', 'h_count', { r: 'a' })).toBe(2);
    expect(f.get('h')?.samples.map((s) => s.name)).toEqual(['h_bucket', 'h_bucket', 'h_sum', 'h_count']);
  });

  it.each([
    ['a sample without a value', 'x{a="b"}\n'],
    ['an unquoted label value', 'x{a=b} 1\n'],
    ['a duplicate label', 'x{a="1",a="2"} 1\n'],
    ['a bad value', 'x 1.2.3\n'],
    ['TYPE after samples', 'x 1\n# TYPE x gauge\n'],
    ['an unknown type', '# TYPE x meter\n'],
    [
      'non-cumulative buckets',
      HIST.replace('le="+Inf"} 2', 'le="+Inf"} 0').replace('h_count{r="a"} 2', 'h_count{r="a"} 0'),
    ],
    ['+Inf differing from _count', HIST.replace('h_count{r="a"} 2', 'h_count{r="a"} 5')],
  ])('rejects %s', (_, text) => {
    expect(() => parsePromText(text)).toThrow();
  });
});

// kubectl's JSONPath template subset: paths, ranges, filters, literals and errors.
import { describe, expect, it } from 'vitest';
import { jsonpath } from './jsonpath.js';
import { sortItems } from './output.js';

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'web' } }, spec: { area: 'zurich', n: 2 } },
    { metadata: { name: 'b' }, spec: { area: 'london', n: 10 }, status: { ready: true } },
    { metadata: { name: 'c' }, spec: { n: 1 } },
  ],
};

describe('jsonpath', () => {
  it.each([
    ['{.kind}', 'List'],
    ['.kind', 'List'],
    ['{$.kind}', 'List'],
    ['{.items[*].metadata.name}', 'a b c'],
    ['{.items[0].metadata.name}', 'a'],
    ['{.items[-1].metadata.name}', 'c'],
    ['{.items[0:2].metadata.name}', 'a b'],
    ['{.items[*].spec.area}', 'zurich london'],
    ["{.items[0].metadata.labels['app.kubernetes.io/name']}", 'web'],
    ['{.items[?(@.spec.area=="london")].metadata.name}', 'b'],
    ["{.items[?(@.spec.area!='london')].metadata.name}", 'a'], // a missing field matches nothing, as in kubectl
    ['{.items[?(@.spec.n>1)].metadata.name}', 'a b'],
    ['{.items[?(@.status.ready)].metadata.name}', 'b'],
    ['{..area}', 'zurich london'],
    ['{range .items[*]}{.metadata.name}{"\\t"}{.spec.n}{"\\n"}{end}', 'a\t2\nb\t10\nc\t1\n'],
    ['names: {.items[*].metadata.name}!', 'names: a b c!'],
    ['{.items[1].spec}', '{"area":"london","n":10}'],
    ['{.missing}', ''],
  ])('%s', (t, want) => expect(jsonpath(t, list)).toBe(want));

  it.each([
    ['{.items[*]', /unclosed \{/],
    ['{range .items[*]}{.x}', /\{range\} without \{end\}/],
    ['{.a}{end}', /\{end\} without \{range\}/],
    ['{.items[?(@.x == )]}', /cannot compare|expected/],
    ['{.items[abc def]}', /unsupported selector/],
  ])('rejects %s with a clear message', (t, re) => expect(() => jsonpath(t, list)).toThrow(re));
});

describe('sortItems', () => {
  it('sorts numbers numerically, text lexically, missing values first, stably', () => {
    const names = (xs: typeof list.items): string[] => xs.map((i) => i.metadata.name);
    expect(names(sortItems(list.items, '.spec.n'))).toEqual(['c', 'a', 'b']);
    expect(names(sortItems(list.items, '{.spec.area}'))).toEqual(['c', 'b', 'a']);
    expect(names(sortItems(list.items, '.metadata.name'))).toEqual(['a', 'b', 'c']);
  });
});

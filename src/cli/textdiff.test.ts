// The unified diff behind `continuum diff`.
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './textdiff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x', 'y')).toBe(''));
  it.each([
    ['a change in the middle', 'a\nb\nc\n', 'a\nB\nc\n', '--- L\n+++ R\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n'],
    ['a new object', '', 'a\nb\n', '--- L\n+++ R\n@@ -0,0 +1,2 @@\n+a\n+b\n'],
    ['an addition at the end', 'a\n', 'a\nb\n', '--- L\n+++ R\n@@ -1,1 +1,2 @@\n a\n+b\n'],
  ])('%s', (_what, a, b, want) => expect(unifiedDiff(a, b, 'L', 'R')).toBe(want));
  it('keeps far-apart changes in separate hunks with 3 lines of context', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const b = a.replace('l1\n', 'X\n').replace('l18', 'Y');
    const d = unifiedDiff(a, b, 'L', 'R');
    expect(d.match(/^@@/gm)).toHaveLength(2);
    expect(d).toContain('@@ -1,5 +1,5 @@\n l0\n-l1\n+X\n l2\n l3\n l4\n');
    expect(d).toContain('@@ -16,5 +16,5 @@\n l15\n l16\n l17\n-l18\n+Y\n l19\n');
  });
});

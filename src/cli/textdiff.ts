// A unified line diff (LCS-based, with context) for `continuum diff`; inputs are small manifests.

type Op = { t: ' ' | '-' | '+'; line: string };

/** Line operations turning `a` into `b` (longest common subsequence; O(n·m), fine for manifests). */
export function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ t: ' ', line: a[i++] });
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ t: '-', line: a[i++] });
    else ops.push({ t: '+', line: b[j++] });
  }
  return ops;
}

const split = (s: string): string[] => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));

/** `diff -u` style text from `a` (labelled `from`) to `b` (`to`); empty when they are equal. */
export function unifiedDiff(a: string, b: string, from: string, to: string, context = 3): string {
  const ops = diffLines(split(a), split(b));
  if (ops.every((o) => o.t === ' ')) return '';
  let out = `--- ${from}\n+++ ${to}\n`;
  let k = 0;
  while (k < ops.length) {
    if (ops[k].t === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before the change to `context` lines after the last nearby change.
    const start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      let next = end;
      while (next < ops.length && ops[next].t === ' ') next++;
      if (next >= ops.length || next - end > 2 * context) break;
      end = next;
      while (end < ops.length && ops[end].t !== ' ') end++;
    }
    end = Math.min(ops.length, end + context);
    const before = ops.slice(0, start);
    const aStart = before.filter((o) => o.t !== '+').length;
    const bStart = before.filter((o) => o.t !== '-').length;
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out += `@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@\n`;
    out += hunk.map((o) => `${o.t}${o.line}\n`).join('');
    k = end;
  }
  return out;
}

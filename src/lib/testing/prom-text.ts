// A strict parser of the Prometheus text exposition format (0.0.4) for tests: grammar, TYPE/HELP, histogram invariants.

export interface PromSample {
  /** Full sample name (`x_bucket`, `x_count` … for histograms). */
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface PromFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"\s*(,|$)/y;
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

function parseValue(v: string, line: number): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  const n = Number(v);
  if (v === '' || Number.isNaN(n)) throw new Error(`line ${line}: bad value ${JSON.stringify(v)}`);
  return n;
}

function parseLabels(s: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < s.length) {
    const m = LABEL.exec(s);
    if (!m) throw new Error(`line ${line}: bad label set {${s}}`);
    if (m[1] in out) throw new Error(`line ${line}: duplicate label ${m[1]}`);
    out[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return out;
}

/** Parses an exposition; throws with the line number on any violation. */
export function parsePromText(text: string): Map<string, PromFamily> {
  const fams = new Map<string, PromFamily>();
  const family = (name: string): PromFamily => {
    let f = fams.get(name);
    if (!f) fams.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
    return f;
  };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const l = raw.trim();
    if (!l) return;
    if (l.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(l);
      if (!m) return; // a plain comment
      if (!NAME.test(m[2])) throw new Error(`line ${line}: bad metric name ${m[2]}`);
      const f = family(m[2]);
      if (m[1] === 'HELP') f.help = m[3];
      else {
        if (f.samples.length) throw new Error(`line ${line}: TYPE of ${m[2]} after its samples`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]))
          throw new Error(`line ${line}: bad type ${m[3]}`);
        f.type = m[3] as PromFamily['type'];
      }
      return;
    }
    const m = SAMPLE.exec(l);
    if (!m) throw new Error(`line ${line}: not a sample: ${l}`);
    const name = m[1];
    const owner =
      [...fams.values()].find((f) => (SUFFIXES[f.type] ?? ['']).some((s) => f.name + s === name)) ?? family(name);
    owner.samples.push({ name, labels: parseLabels(m[3] ?? '', line), value: parseValue(m[4], line) });
  });
  for (const f of fams.values()) if (f.type === 'histogram') checkHistogram(f);
  return fams;
}

/** Buckets are cumulative, end with le="+Inf", and +Inf equals _count, per label set. */
function checkHistogram(f: PromFamily): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const e = series.get(key) ?? { buckets: [] };
    series.set(key, e);
    if (s.name === `${f.name}_bucket`) e.buckets.push([parseValue(le ?? '', 0), s.value]);
    if (s.name === `${f.name}_count`) e.count = s.value;
  }
  for (const [key, e] of series) {
    for (let i = 1; i < e.buckets.length; i++)
      if (e.buckets[i][0] <= e.buckets[i - 1][0] || e.buckets[i][1] < e.buckets[i - 1][1])
        throw new Error(`${f.name}${key}: buckets not cumulative`);
    const inf = e.buckets.at(-1);
    if (!inf || inf[0] !== Infinity || inf[1] !== e.count)
      throw new Error(`${f.name}${key}: +Inf bucket missing or differs from _count`);
  }
}

/** The value of the first sample named `name` whose labels include `labels` (undefined when none). */
export function promValue(
  fams: Map<string, PromFamily>,
  family: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return fams
    .get(family)
    ?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

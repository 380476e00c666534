// The pipeline in words, derived from the registry: the generated docs/placement-pipeline.md and help text.
import { FILTERS, PENALTIES, SCORERS } from './pipeline.js';
import type { Reads } from './stage.js';

export interface StageDescription {
  readonly name: string;
  readonly description: string;
  /** "request: …; site: …; context: …" */
  readonly reads: string;
}

export interface PipelineDescription {
  /** In the order they run. */
  readonly filters: readonly StageDescription[];
  readonly scorers: readonly (StageDescription & { readonly defaultWeight: number })[];
  readonly penalties: readonly StageDescription[];
}

export function formatReads(r: Reads): string {
  const parts: string[] = [];
  if (r.request.length > 0) parts.push(`request: ${r.request.join(', ')}`);
  if (r.site.length > 0) parts.push(`site: ${r.site.join(', ')}`);
  if (r.context && r.context.length > 0) parts.push(`context: ${r.context.join(', ')}`);
  return parts.join('; ');
}

export function describePipeline(): PipelineDescription {
  const base = (s: { name: string; description: string; reads: Reads }): StageDescription => ({
    name: s.name,
    description: s.description,
    reads: formatReads(s.reads),
  });
  return {
    filters: FILTERS.map(base),
    scorers: SCORERS.map((s) => ({ ...base(s), defaultWeight: s.defaultWeight })),
    penalties: PENALTIES.map(base),
  };
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The content of docs/placement-pipeline.md (a test keeps the file equal to it). */
export function pipelineMarkdown(d: PipelineDescription = describePipeline()): string {
  const lines = [
    '# Placement pipeline',
    '',
    '<!-- Generated from the registry in src/placement (pipeline.ts, pipeline-doc.ts); do not edit by hand.',
    '     Regenerate: npx vitest run src/placement/pipeline.test.ts -u -->',
    '',
    'For each replica the filters run in this order (a rejected site is counted under the first filter it',
    'fails); every feasible site then scores the weighted mean of the scorers (weights from',
    '`requirements.weights`, defaults below) minus the penalties, and the best site of the most preferred',
    'category tier wins. [ADR 0004](adr/0004-placement-engine.md) explains the engine and how to add a stage.',
    '',
    '## Filters',
    '',
    '| # | name | passes when | reads |',
    '|---|---|---|---|',
    ...d.filters.map((f, i) => `| ${i + 1} | \`${f.name}\` | ${cell(f.description)} | ${cell(f.reads)} |`),
    '',
    '## Scorers',
    '',
    '| name | default weight | prefers | reads |',
    '|---|---|---|---|',
    ...d.scorers.map((s) => `| \`${s.name}\` | ${s.defaultWeight} | ${cell(s.description)} | ${cell(s.reads)} |`),
    '',
    '## Penalties',
    '',
    '| name | effect | reads |',
    '|---|---|---|',
    ...d.penalties.map((p) => `| \`${p.name}\` | ${cell(p.description)} | ${cell(p.reads)} |`),
    '',
  ];
  return lines.join('\n');
}

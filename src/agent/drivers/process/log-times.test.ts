// `logs --since` for process workloads: the size-sample index beside each log file, across rotation and restart.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { markLogTime, timesOf } from './log-times.js';
import { CURRENT_LOG, keepPreviousRun, readLogLines, rotateIfNeeded } from './logs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A log dir where line "l<t>" is written just before the sample at time t (ms), for t in `times`. */
function logWritten(times: number[], opts: { partialAt?: number } = {}): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-logtimes-'));
  dirs.push(dir);
  const log = join(dir, CURRENT_LOG);
  writeFileSync(log, '');
  const last = new Map<string, number>();
  for (const t of times) {
    appendFileSync(log, t === opts.partialAt ? `l${t}-start` : `${opts.partialAt === t - 1000 ? '-end' : ''}`);
    if (t !== opts.partialAt) appendFileSync(log, `l${t}\n`);
    markLogTime(log, t, last);
  }
  return { dir, log };
}

const read = async (dir: string, opts: { sinceMs?: number; tail?: number; previous?: boolean }): Promise<string[]> => {
  const out: string[] = [];
  for await (const l of readLogLines(dir, 3, opts)) out.push(l);
  return out;
};

describe('log time index', () => {
  it.each([
    // since → lines: everything sampled before `since` is left out, nothing written after it is.
    [500, ['l1000', 'l2000', 'l3000', 'l4000']],
    [1000, ['l1000', 'l2000', 'l3000', 'l4000']],
    [1001, ['l2000', 'l3000', 'l4000']],
    [2500, ['l3000', 'l4000']],
    [4000, ['l4000']],
    [4001, []],
  ])('since %d', async (since, lines) => {
    const { dir } = logWritten([1000, 2000, 3000, 4000]);
    expect(await read(dir, { sinceMs: since })).toEqual(lines);
  });

  it('includes lines written after the last sample (the agent may not have sampled them yet)', async () => {
    const { dir, log } = logWritten([1000, 2000]);
    appendFileSync(log, 'unsampled\n');
    expect(await read(dir, { sinceMs: 5000 })).toEqual(['unsampled']);
  });

  it('keeps a line whole when a sample fell in its middle', async () => {
    const { dir } = logWritten([1000, 2000, 3000], { partialAt: 2000 });
    expect(await read(dir, { sinceMs: 2500 })).toEqual(['l2000-start-endl3000']);
  });

  it('combines with tail', async () => {
    const { dir } = logWritten([1000, 2000, 3000, 4000]);
    expect(await read(dir, { sinceMs: 1500, tail: 2 })).toEqual(['l3000', 'l4000']);
  });

  it('moves with the log on rotation and on restart', async () => {
    const { dir, log } = logWritten([1000, 2000, 3000]);
    expect(rotateIfNeeded(dir, 1, 3)).toBe(true);
    const last = new Map<string, number>();
    appendFileSync(log, 'l4000\n');
    markLogTime(log, 4000, last);
    appendFileSync(log, 'l5000\n');
    markLogTime(log, 5000, last);
    expect(await read(dir, { sinceMs: 2500 })).toEqual(['l3000', 'l4000', 'l5000']);
    expect(await read(dir, { sinceMs: 4500 })).toEqual(['l5000']);
    keepPreviousRun(dir, 3);
    expect(await read(dir, { previous: true, sinceMs: 2500 })).toEqual(['l3000', 'l4000', 'l5000']);
    expect(await read(dir, { sinceMs: 0 })).toEqual([]);
  });

  it('reads a log without an index whole (written while no agent sampled)', async () => {
    const { dir, log } = logWritten([1000, 2000]);
    rmSync(timesOf(log));
    expect(await read(dir, { sinceMs: 1500 })).toEqual(['l1000', 'l2000']);
  });

  it('stays small: a long index is thinned, never losing newer lines', async () => {
    const times = Array.from({ length: 6000 }, (_, i) => 1000 * (i + 1));
    const { dir, log } = logWritten(times);
    const { size } = await import('node:fs').then((fs) => fs.statSync(timesOf(log)));
    expect(size).toBeLessThanOrEqual(64 * 1024 + 64);
    const lines = await read(dir, { sinceMs: 5_999_500 });
    expect(lines.slice(-1)).toEqual(['l6000000']);
    expect(lines.length).toBeLessThan(100);
  });
});

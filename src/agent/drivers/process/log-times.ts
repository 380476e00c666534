// A time index beside each process log file, so `logs --since` works for output that carries no timestamps.
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The workload writes its log file directly (no agent in the data path), so its lines carry no times. While the
 * agent runs it samples each log's size (about once a second) and appends "<ms> <size>" to `<log>.times` when
 * the size changed. Invariant: every byte before the size recorded at time t was written at or before t. A
 * reader asking for lines since T therefore starts at the size of the last sample taken before T: it never
 * misses a newer line, and includes at most one sampling interval of older ones (or everything written while
 * no agent sampled). The index moves with its log file on rotation and on restart.
 */
export const timesOf = (log: string): string => `${log}.times`;

/** An index larger than this is thinned to every other sample (coarser, still never missing a line). */
const MAX_INDEX_BYTES = 64 * 1024;

const sizeOf = (p: string): number => {
  try {
    return statSync(p).size;
  } catch {
    return -1;
  }
};

/** Records the current size of `log` at `nowMs` if it changed since the last sample (`last` keeps those). */
export function markLogTime(log: string, nowMs: number, last: Map<string, number>): void {
  const size = sizeOf(log);
  if (size < 0 || last.get(log) === size) return;
  last.set(log, size);
  const index = timesOf(log);
  appendFileSync(index, `${Math.round(nowMs)} ${size}\n`, { mode: 0o600 });
  if (sizeOf(index) > MAX_INDEX_BYTES) {
    const lines = readFileSync(index, 'utf8').split('\n').filter(Boolean);
    writeFileSync(index, lines.filter((_, i) => i % 2 === 1 || i === lines.length - 1).join('\n') + '\n');
  }
}

/** Renames a log's index along with the log (a missing index is fine: that log is then read whole). */
export function moveTimes(fromLog: string, toLog: string): void {
  if (existsSync(timesOf(fromLog))) renameSync(timesOf(fromLog), timesOf(toLog));
  else rmSync(timesOf(toLog), { force: true });
}

export const removeTimes = (log: string): void => rmSync(timesOf(log), { force: true });

/** Samples of a log's index, oldest first; unreadable or malformed lines are skipped. */
function samples(log: string): { t: number; size: number }[] {
  let text: string;
  try {
    text = readFileSync(timesOf(log), 'utf8');
  } catch {
    return [];
  }
  const out: { t: number; size: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\d+)$/.exec(line);
    if (m) out.push({ t: Number(m[1]), size: Number(m[2]) });
  }
  return out;
}

/**
 * The offset from which `log` holds lines written at or after `sinceMs`, moved back to the start of the line it
 * falls in (a line partly written before the sample is kept whole). `size` is the log's current size.
 */
export async function offsetSince(log: string, sinceMs: number, size: number): Promise<number> {
  let start = 0;
  for (const s of samples(log)) if (s.t < sinceMs && s.size <= size) start = Math.max(start, s.size);
  if (start === 0 || start >= size) return start;
  const fh = await open(log, 'r');
  try {
    const from = Math.max(0, start - 64 * 1024);
    const buf = Buffer.alloc(start - from);
    const { bytesRead } = await fh.read(buf, 0, buf.length, from);
    const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
    return nl < 0 ? from : from + nl + 1;
  } finally {
    await fh.close();
  }
}

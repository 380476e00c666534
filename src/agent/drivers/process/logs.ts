// Workload log files: size-bounded copy-truncate rotation and line reading (tail, follow) across rotated files.
import { copyFileSync, existsSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { moveTimes, offsetSince, removeTimes } from './log-times.js';

export const CURRENT_LOG = 'current.log';
/** The log of the run before the last restart, with its rotated parts (previous.log.N). */
export const PREVIOUS_LOG = 'previous.log';
const rotated = (dir: string, i: number, base = CURRENT_LOG): string => join(dir, `${base}.${i}`);

/**
 * Called when a workload restarts (its process has ended): the ended run's log files become previous.log[.N],
 * replacing the older previous run, so the new run starts with an empty current.log.
 */
export function keepPreviousRun(dir: string, keep: number): void {
  for (let i = 0; i <= keep + 1; i++) {
    const p = i ? rotated(dir, i, PREVIOUS_LOG) : join(dir, PREVIOUS_LOG);
    rmSync(p, { force: true });
    removeTimes(p);
  }
  move(join(dir, CURRENT_LOG), join(dir, PREVIOUS_LOG));
  for (let i = 1; i <= keep; i++) move(rotated(dir, i), rotated(dir, i, PREVIOUS_LOG));
}

/** Renames a log file and its time index, if the log exists. */
function move(from: string, to: string): void {
  if (!existsSync(from)) return;
  renameSync(from, to);
  moveTimes(from, to);
}

const sizeOf = (p: string): number => {
  try {
    return statSync(p).size;
  } catch {
    return -1;
  }
};

/**
 * Rotates `dir/current.log` when it exceeds maxBytes: current.log.(k) → .(k+1), a copy of current.log → .1,
 * then current.log is truncated in place. The workload writes to the file directly (O_APPEND, so it keeps
 * writing at the new end); lines written between the copy and the truncate are lost — the price of logs
 * that need no agent in the data path and survive the agent's restarts. Returns whether it rotated.
 */
export function rotateIfNeeded(dir: string, maxBytes: number, keep: number): boolean {
  const current = join(dir, CURRENT_LOG);
  if (sizeOf(current) <= maxBytes) return false;
  if (keep <= 0) {
    truncateSync(current, 0);
    removeTimes(current);
    return true;
  }
  rmSync(rotated(dir, keep), { force: true });
  removeTimes(rotated(dir, keep));
  for (let i = keep - 1; i >= 1; i--) move(rotated(dir, i), rotated(dir, i + 1));
  copyFileSync(current, rotated(dir, 1));
  truncateSync(current, 0);
  moveTimes(current, rotated(dir, 1));
  return true;
}

/** Reads bytes [start, end) of a file as chunks; a missing file yields nothing. */
async function* chunks(path: string, start: number, end: number): AsyncGenerator<Buffer> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return;
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (let pos = start; pos < end;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      yield Buffer.from(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

/** Splits a byte stream into lines; `rest` holds an incomplete last line. */
class LineSplitter {
  private decoder = new StringDecoder('utf8');
  rest = '';
  push(chunk: Buffer): string[] {
    const parts = (this.rest + this.decoder.write(chunk)).split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }
}

/** Keeps every line, or only the last `tail` ones. */
class Collector {
  lines: string[] = [];
  constructor(private readonly tail: number | undefined) {}
  add(ls: string[]): void {
    for (const l of ls) {
      this.lines.push(l);
      if (this.tail !== undefined && this.lines.length > this.tail) this.lines.shift();
    }
  }
}

export interface ReadLogOptions {
  tail?: number;
  /** Read previous.log[.N] (the run before the last restart) instead of current.log[.N]; never followed. */
  previous?: boolean;
  follow?: boolean;
  signal?: AbortSignal;
  /** Only lines written at or after this time (ms since the epoch), per the logs' time index (log-times.ts). */
  sinceMs?: number;
  /** Follow polling interval. */
  pollMs?: number;
  /** Stops following once true (workload removed, driver closed); lines already written are still yielded. */
  isGone?: () => boolean;
}

/** Log lines of `dir`, oldest first across rotated files; with follow, keeps yielding new lines until aborted. */
export async function* readLogLines(dir: string, keep: number, opts: ReadLogOptions = {}): AsyncGenerator<string> {
  const tail = opts.tail !== undefined ? Math.max(0, Math.floor(opts.tail)) : undefined;
  const base = opts.previous ? PREVIOUS_LOG : CURRENT_LOG;
  const current = join(dir, base);
  const collector = new Collector(tail);
  if (opts.previous) opts = { ...opts, follow: false };
  for (let i = keep; i >= 1; i--) {
    const p = rotated(dir, i, base);
    const size = sizeOf(p);
    if (size <= 0) continue;
    const start = opts.sinceMs !== undefined ? await offsetSince(p, opts.sinceMs, size) : 0;
    const split = new LineSplitter();
    for await (const c of chunks(p, start, size)) collector.add(split.push(c));
    if (split.rest) collector.add([split.rest]);
  }
  let offset = Math.max(0, sizeOf(current));
  const from = opts.sinceMs !== undefined && offset > 0 ? await offsetSince(current, opts.sinceMs, offset) : 0;
  const split = new LineSplitter();
  for await (const c of chunks(current, from, offset)) collector.add(split.push(c));
  if (!opts.follow) {
    if (split.rest) collector.add([split.rest]);
    yield* collector.lines;
    return;
  }
  yield* collector.lines;
  const pollMs = opts.pollMs ?? 100;
  while (!opts.signal?.aborted) {
    const gone = opts.isGone?.() ?? false;
    const size = sizeOf(current);
    if (size >= 0 && size < offset) {
      // Rotated since the last poll: the unread rest of the old file is now the tail of current.log.1.
      for await (const c of chunks(rotated(dir, 1), offset, sizeOf(rotated(dir, 1)))) yield* split.push(c);
      offset = 0;
    }
    const end = Math.max(offset, sizeOf(current));
    for await (const c of chunks(current, offset, end)) yield* split.push(c);
    offset = end;
    if (gone) break;
    try {
      await sleep(pollMs, undefined, { signal: opts.signal });
    } catch {
      break;
    }
  }
  if (split.rest) yield split.rest;
}

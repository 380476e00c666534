// Workload logs from podman's k8s-file log: "<time> <stream> <P|F> <text>" lines, partial ones joined, tail and follow.
import { open, stat } from 'node:fs/promises';
import { sleep } from '../../../lib/index.js';
import type { LogOptions } from '../driver.js';

/**
 * Turns k8s-file lines into log lines: `P` (partial) pieces are joined up to the next `F` (final) piece. With
 * `sinceMs`, lines whose final piece was written before that time (ms since the epoch) are left out.
 */
export function parseK8sFile(text: string, sinceMs?: number): { lines: string[]; rest: string } {
  const lines: string[] = [];
  let partial = '';
  let consumed = 0;
  for (;;) {
    const nl = text.indexOf('\n', consumed);
    if (nl < 0) break;
    const raw = text.slice(consumed, nl);
    consumed = nl + 1;
    const m = /^(\S+) (?:stdout|stderr) ([PF]) ?(.*)$/.exec(raw);
    if (!m) continue;
    partial += m[3];
    if (m[2] === 'F') {
      if (sinceMs === undefined || !(Date.parse(m[1]) < sinceMs)) lines.push(partial);
      partial = '';
    }
  }
  return { lines, rest: text.slice(consumed) };
}

async function readFrom(path: string, offset: number): Promise<{ text: string; size: number }> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', size: 0 };
    throw e;
  }
  try {
    const { size } = await fh.stat();
    if (size <= offset) return { text: '', size };
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    return { text: buf.toString('utf8'), size };
  } finally {
    await fh.close();
  }
}

/**
 * Lines of the log at `path`, oldest first (the last `tail` only, when given); with follow, polls for more every
 * `pollMs` until aborted or `isGone()`. A log that shrank (conmon truncates at its size limit) is read afresh.
 */
export async function* readContainerLog(
  path: string,
  opts: LogOptions & { pollMs: number; isGone: () => boolean },
): AsyncGenerator<string> {
  const first = await readFrom(path, 0);
  let pos = first.size;
  const parsed = parseK8sFile(first.text, opts.sinceMs);
  let rest = parsed.rest;
  yield* opts.tail !== undefined ? parsed.lines.slice(-opts.tail) : parsed.lines;
  if (!opts.follow) return;
  while (!opts.signal?.aborted && !opts.isGone()) {
    await sleep(opts.pollMs, opts.signal);
    if (opts.signal?.aborted) return;
    const now = await stat(path).catch(() => undefined);
    if (now && now.size < pos) {
      pos = 0;
      rest = '';
    }
    const more = await readFrom(path, pos);
    if (!more.text) continue;
    pos = more.size;
    const p = parseK8sFile(rest + more.text);
    rest = p.rest;
    yield* p.lines;
  }
}

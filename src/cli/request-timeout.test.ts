// The CLI against a hung server: requests time out with a clear error, watches do not, signals end it at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/testing/index.js';
import { parseDuration } from './command.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'continuum.js');
/** Accepts connections, reads requests, never answers (a hung server). Watch requests get headers only. */
let hung: Server;
let port = 0;
const sockets = new Set<Socket>();
const children = new Set<ChildProcess>();
/** When set, plain lists are answered (empty); watches still get headers only. */
let answerLists = false;
let watches = 0;
const LIST = JSON.stringify({ kind: 'SiteList', items: [], metadata: { resourceVersion: '1' } });

beforeAll(async () => {
  hung = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.on('data', (d) => {
      if (/watch=(true|1)/.test(d.toString())) {
        watches++;
        s.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n');
      } else if (answerLists)
        s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${LIST.length}\r\n\r\n${LIST}`);
    });
  });
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
  port = (hung.address() as { port: number }).port;
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const s of sockets) s.destroy();
  await new Promise((r) => hung.close(r));
});

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; err: string; ms: number }>;
}
function cli(...args: string[]): Run {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args, '--server', `http://127.0.0.1:${port}`, '--token', 't'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CONTINUUM_CONFIG: '/nonexistent/config.json' },
  });
  children.add(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: string | null; err: string; ms: number }>((r) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      r({ code, signal, err, ms: Date.now() - t0 });
    }),
  );
  return { child, done };
}

describe('CLI request timeout and signals', () => {
  it('a hung server gives a clear error after --request-timeout', async () => {
    const r = await cli('get', 'sites', '--request-timeout', '1s').done;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/did not answer GET \/apis\/continuum\.eu\/v1alpha1\/sites within 1s/);
    expect(r.err).toMatch(/--request-timeout/);
    expect(r.ms).toBeLessThan(15_000);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s ends a request waiting on a hung server at once', async (sig) => {
    const run = cli('get', 'sites', '--request-timeout', '0');
    await waitFor(() => sockets.size > 0, 'the CLI to connect');
    const t0 = Date.now();
    run.child.kill(sig);
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.err).toBe('');
  });

  it('a watch outlives --request-timeout, and SIGTERM ends it at once', async () => {
    answerLists = true;
    const before = watches;
    const run = cli('get', 'sites', '--watch', '--request-timeout', '500ms');
    let exited = false;
    void run.done.then(() => (exited = true));
    await waitFor(() => watches > before, 'the watch to connect');
    await new Promise((r) => setTimeout(r, 2000)); // 4× the request timeout: a watch is exempt from it
    expect(exited).toBe(false);
    const t0 = Date.now();
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect([0, 130]).toContain(r.code); // the watch ends cleanly (0) or is interrupted (130)
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2', 2000],
    ['0', 0],
  ] as const)('parses --request-timeout %s', (text, ms) => expect(parseDuration(text, 'request-timeout')).toBe(ms));
  it.each(['abc', '10x', '-1s', ''])('rejects --request-timeout %j', (text) =>
    expect(() => parseDuration(text, 'request-timeout')).toThrow(/must be a duration/),
  );
});

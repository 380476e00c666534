// Helpers for end-to-end tests: run the built CLI as a child process and talk to it over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { waitFor } from '../src/lib/testing/index.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'continuum.js');
export const PG_URL = process.env.CONTINUUM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `continuum-${prefix}-`));

export interface Child {
  proc: ChildProcess;
  url: string;
  out: () => string;
}

/** Starts `continuum <args>` and resolves once a line matches `ready` (its first group, if any, is the URL). */
export function startChild(
  args: string[],
  ready: RegExp,
  env: Record<string, string> = {},
  timeoutMs = 20_000,
  cwd?: string,
): Promise<Child> {
  const proc = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
  });
  let buf = '';
  proc.stdout!.setEncoding('utf8');
  proc.stderr!.setEncoding('utf8');
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`child did not become ready in ${timeoutMs} ms:\n${buf}`)), timeoutMs);
    const onData = (d: string): void => {
      buf += d;
      const m = ready.exec(buf);
      if (m) {
        clearTimeout(timer);
        res({ proc, url: m[1] ?? '', out: () => buf });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`child exited with ${code} before ready:\n${buf}`));
    });
  });
}

export async function killHard(c: Child | undefined): Promise<void> {
  if (!c || c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  const exited = new Promise((r) => c.proc.once('exit', r));
  c.proc.kill('SIGKILL');
  await exited;
}

export async function stopGracefully(c: Child | undefined, ms = 10_000): Promise<void> {
  if (!c || c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  const exited = new Promise((r) => c.proc.once('exit', r));
  c.proc.kill('SIGTERM');
  const t = setTimeout(() => c.proc.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(t);
}

/** The CA `continuum up` made in a data dir (TLS is on by default), or undefined for an --insecure-http one. */
export const upCa = (dataDir: string): Buffer | undefined => {
  const f = join(dataDir, 'tls', 'ca.crt');
  return existsSync(f) ? readFileSync(f) : undefined;
};

/**
 * GET over https trusting `ca` (the global fetch cannot be given a CA), or plain fetch for http URLs; the answer's
 * status and text. Rejects on transport errors, like fetch.
 */
export async function getTrusting(
  url: string,
  ca: Buffer | undefined,
  headers: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<{ status: number; text: string }> {
  if (!url.startsWith('https:')) {
    const r = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    return { status: r.status, text: await r.text() };
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { headers, ca, timeout: timeoutMs, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export const adminToken = (dataDir: string): string => readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();

export async function api(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/** A RuntimePolicy letting `default` run anything (ADR 0024): `continuum apply -f` it on a `continuum server`. */
export const ALLOW_ALL_POLICY = join(ROOT, 'test', 'fixtures', 'runtime-policy.yaml');

export { sleep, waitFor } from '../src/lib/testing/index.js';

/** The shared waitFor with the argument order e2e-deploy.test.ts uses (`what` first, 15 s by default). */
export async function until(
  what: string,
  cond: () => Promise<boolean> | boolean,
  ms = 15_000,
  every = 100,
): Promise<void> {
  await waitFor(cond, what, ms, every);
}

/** Live (non-zombie) processes whose command line contains `marker` and whose working directory is under `dir`. */
export function processesUnder(dir: string, marker: string): number[] {
  const root = realpathSync(dir) + sep;
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').includes(marker)) continue;
      if (!readlinkSync(`/proc/${d}/cwd`).startsWith(root)) continue;
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (/ [ZX] /.test(stat.slice(stat.lastIndexOf(')')))) continue;
      out.push(Number(d));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

export { killTree, processTree } from '../src/lib/testing/index.js';

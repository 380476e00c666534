// The data-dir lock: a live owner is named with what to do; a dead owner's lock is taken over; release frees it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/testing/index.js';
import { LOCK_FILE, lockDataDir } from './datadir-lock.js';
import { runCli } from './testing/run.js';

const dir = mkdtempSync(join(tmpdir(), 'ctm-lock-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A real other process holding the lock, as a running `up` would. */
function otherOwner(dataDir: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  writeFileSync(
    join(dataDir, LOCK_FILE),
    JSON.stringify({ pid: child.pid, startTime, command: 'up', startedAt: '2026-01-01T00:00:00.000Z' }),
  );
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ server: 'http://127.0.0.1:45678' }));
  return child;
}

describe('data dir lock', () => {
  it('names the live owner and what to do; `up` stops before starting anything', async () => {
    const d = join(dir, 'a');
    lockDataDir(d, 'up')(); // creates the dir, then releases
    const child = otherOwner(d);
    expect(() => lockDataDir(d, 'up')).toThrow(
      new RegExp(`in use by another \`continuum up\` \\(pid ${child.pid}, API http://127.0.0.1:45678`),
    );
    const r = await runCli('up', '--data-dir', d, '--port', '0', '--no-agents');
    expect([r.code, r.err]).toEqual([
      1,
      expect.stringContaining(`kill ${child.pid}), or start another continuum with --data-dir`),
    ]);
    expect(existsSync(join(d, 'continuum.db'))).toBe(false);
    child.kill('SIGKILL');
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, 'the owner to exit');
    const release = lockDataDir(d, 'up'); // stale lock taken over
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
  });

  it('a recycled pid (a live process with another start time) does not hold the lock', () => {
    const d = join(dir, 'b');
    lockDataDir(d, 'up')();
    const child = otherOwner(d);
    const lock = JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')) as { startTime: string };
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ ...lock, pid: child.pid, startTime: `${lock.startTime}1` }));
    const release = lockDataDir(d, 'server');
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'server' });
    release();
  });
});

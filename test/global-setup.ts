// Vitest global setup/teardown: every run gets its own temp dir and marker; processes left behind fail the run.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findLeftovers, selfAndAncestors, type Leftover } from './leftovers.js';

const ROOT = resolve(import.meta.dirname, '..');
let runDir = '';
let marker = '';
let before = new Set<number>();

export function setup(): void {
  runDir = mkdtempSync(join(tmpdir(), 'continuum-test-run-'));
  marker = `CONTINUUM_TEST_RUN=${randomUUID()}`;
  // Workers and every process they spawn inherit both: os.tmpdir() reads TMPDIR on each call.
  process.env.TMPDIR = runDir;
  process.env.CONTINUUM_TEST_RUN = marker.split('=')[1];
  // Whatever already runs from this checkout (a developer's `continuum up`) is not the suite's doing.
  before = new Set(findLeftovers(marker, [join(ROOT, 'dist'), join(ROOT, 'bin')], new Set()).map((l) => l.pid));
}

export async function teardown(): Promise<void> {
  const dirs = [runDir, join(ROOT, 'dist'), join(ROOT, 'bin')];
  const exclude = new Set([...selfAndAncestors(), ...before]);
  let left: Leftover[] = [];
  // Processes being stopped by afterAll hooks get a moment to exit.
  for (let i = 0; i < 50; i++) {
    left = findLeftovers(marker, dirs, exclude);
    if (!left.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const l of left) {
    try {
      process.kill(l.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  rmSync(runDir, { recursive: true, force: true });
  if (left.length) {
    // Vitest reports a teardown error but keeps exit code 0: make the run fail.
    process.exitCode = 1;
    throw new Error(
      `the test run left ${left.length} process(es) behind (now killed; a test does not stop what it started):\n` +
        left.map((l) => `  pid ${l.pid} (${l.why}): ${l.cmdline}`).join('\n'),
    );
  }
}

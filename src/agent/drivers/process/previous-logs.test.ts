// `logs --previous` on the process driver: a restart keeps the ended run's log apart from the new run's.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { collect, Harness, makeSpec, waitFor } from '../testing/harness.js';
import { createProcessDriver } from './driver.js';
import { workloadPaths } from './state.js';

// Counts its runs in its work dir, prints the run number, exits non-zero after a moment (restartPolicy Always).
const SCRIPT = `const fs = require('fs'); let n = 0; try { n = +fs.readFileSync('runs', 'utf8'); } catch {}
fs.writeFileSync('runs', String(n + 1)); console.log('run ' + (n + 1)); console.error('err ' + (n + 1));
setTimeout(() => process.exit(3), n + 1 >= 3 ? 600000 : 300);`;

describe('process driver: previous run logs', () => {
  test('after each restart, previous.log holds the ended run and current.log only the new one', async (ctx) => {
    const h = new Harness((stateDir) =>
      createProcessDriver({
        stateDir,
        backoff: { baseMs: 20, maxMs: 200, resetAfterMs: 5000 },
        pollIntervalMs: 50,
        readyAfterMs: 50,
        logPollMs: 25,
      }),
    );
    ctx.onTestFinished(() => h.cleanup());
    const stateDir = h.newStateDir();
    const d = await h.driver(stateDir);
    const sp = makeSpec('prev', { command: process.execPath, args: ['-e', SCRIPT] }, { ports: [] });
    await d.ensure(sp);
    const logs = workloadPaths(stateDir, sp.id).logs;
    await waitFor(async () => {
      const cur = await collect(d.logs(sp.id), () => false);
      return cur.includes('run 3') && cur;
    }, 'the third run');
    expect((await collect(d.logs(sp.id), () => false)).sort()).toEqual(['err 3', 'run 3']);
    expect((await collect(d.logs(sp.id, { previous: true }), () => false)).sort()).toEqual(['err 2', 'run 2']);
    expect(await collect(d.logs(sp.id, { previous: true, tail: 1 }), () => false)).toHaveLength(1);
    // --previous never follows: it ends although the workload still runs.
    const ac = new AbortController();
    expect(await collect(d.logs(sp.id, { previous: true, follow: true, signal: ac.signal }), () => false)).toHaveLength(
      2,
    );
    expect(existsSync(join(logs, 'previous.log'))).toBe(true);
  }, 60_000);
});

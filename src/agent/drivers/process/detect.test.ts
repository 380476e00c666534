// Tests of the process runtime's detection: available on Linux, and truthful about which limits cgroups enforce.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectCgroups, hostLimits, releaseCgroups } from './cgroups.js';
import { cgroupScope } from './detect.js';
import { processDriver, UNCONFINED_MESSAGE } from './index.js';
import { defaultUidRange } from './uids.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-detect-'));
afterAll(() => {
  // Detection creates the (empty) cgroup parent of its scope, as the driver would: remove it.
  releaseCgroups(Object.values(detectCgroups(cgroupScope(join(dir, 'on'))).parents));
  rmSync(dir, { recursive: true, force: true });
});

describe('process runtime detection', () => {
  it('is available, and its message says what cgroups enforce on this host', async () => {
    const stateDir = join(dir, 'on');
    const limits = hostLimits(detectCgroups(cgroupScope(stateDir)));
    const d = await processDriver.detect({ stateDir });
    expect(d.available).toBe(true);
    if (!d.available) return;
    const range = defaultUidRange(stateDir);
    const confined = `confined (bwrap sandbox, uids ${range.start}-${range.start + range.size - 1}); `;
    expect(d.message?.startsWith(confined)).toBe(true);
    const rest = d.message?.slice(confined.length);
    if (limits.cpu && limits.memory) expect(rest).toMatch(/^cpu and memory limits enforced \(cgroup v[12]\)$/);
    else if (limits.cpu || limits.memory) expect(rest).toMatch(/^only (cpu|memory) limits enforced/);
    else expect(rest).toBe(`cpu and memory limits not enforced: ${limits.reason}`);
  });

  const noCgroups =
    'cpu and memory limits not enforced: cpu: cgroups disabled by configuration; memory: cgroups disabled by configuration';
  it.each([
    [
      { cgroups: false, uidRange: { start: 150_000_000, size: 10 } },
      `confined (bwrap sandbox, uids 150000000-150000009); ${noCgroups}`,
    ],
    [{ cgroups: false, confinement: 'off' as const }, `${UNCONFINED_MESSAGE}; ${noCgroups}`],
  ])('honours the driver options %j', async (options, message) => {
    expect(await processDriver.detect({ stateDir: join(dir, 'off'), ...options })).toEqual({
      available: true,
      message,
    });
  });

  it('gives the driver the same cgroup scope as detection (one per state dir)', () => {
    expect(cgroupScope(join(dir, 'a'))).toBe(cgroupScope(`${dir}/./a`));
    expect(cgroupScope(join(dir, 'a'))).not.toBe(cgroupScope(join(dir, 'b')));
  });
});

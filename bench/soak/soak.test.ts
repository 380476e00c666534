// The 60 s soak inside the suite: restarts and load lose no acknowledged write and give no 5xx outside restarts.
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, runSoak } from './soak.js';

afterAll(() => killAll());

describe('soak (60 s)', () => {
  it('loses no acknowledged write, duplicates no workload, answers no 5xx outside restart windows', async () => {
    const r = await runSoak({
      durationS: 60,
      clients: 100,
      watchers: 10,
      unplaceable: 10,
      agentKillS: 20,
      cpKillS: 30,
      thinkMs: 1000,
    });
    // Generous on purpose: the figures that depend on the machine (latency, RSS) are reported, not asserted.
    expect(r.cpRestarts).toBeGreaterThanOrEqual(1);
    expect(r.acknowledgedWrites).toBeGreaterThan(0);
    expect(r.setupFailures).toBe(0);
    expect(r.agentStartFailures).toBe(0);
    expect(r.agentRestarts).toBeGreaterThanOrEqual(1);
    expect(r.unverified).toBe(0);
    expect(r.lostWrites).toBe(0);
    expect(r.duplicateWorkloads).toBe(0);
    expect(r.orphanProcesses).toBe(0);
    expect(r.steadyRunning).toBe(2);
    expect(r.fiveXxOutside).toBe(0);
  }, 600_000);
});

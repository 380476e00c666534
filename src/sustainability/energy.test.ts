// The energy model: hand calculations, SPECpower curves, and a real CPU burn measured like the metering does.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { procUsage } from '../agent/metrics.js';
import { killTree } from '../lib/testing/process-tree.js';
import { carbonGrams, DEFAULT_POWER_MODEL, hostWatts, workloadEnergy, type PowerModel } from './energy.js';

const linear: PowerModel = { idleWatts: 50, maxWatts: 250, cores: 4, pue: 1.5 };

describe('power model', () => {
  it.each([
    [linear, 0, 50],
    [linear, 0.5, 150],
    [linear, 1, 250],
    [linear, 2, 250],
    [DEFAULT_POWER_MODEL, 0.25, (155 + 178) / 2],
    [DEFAULT_POWER_MODEL, 0.95, (325 + 350) / 2],
  ])('%#: watts at %d', (m, u, w) => expect(hostWatts(m, u)).toBeCloseTo(w, 9));

  it.each([
    // cpuSeconds, seconds, hostCpu, reserved → kWh by hand: ((max−idle)·cpu/cores + idle·s·reserved/cores)·PUE / 3.6e6
    [2, 10, undefined, 0, ((200 * 2) / 4) * 1.5],
    [2, 10, 4, 0, ((200 * 2) / 4) * 1.5],
    [1, 3600, 1, 1, ((200 * 1) / 4 + 50 * 3600 * 0.25) * 1.5],
    [0, 60, 8, 2, 50 * 60 * 0.5 * 1.5],
  ])('%#: workload of %d CPU-s in %d s', (cpu, s, host, reserved, joules) => {
    const e = workloadEnergy(linear, {
      cpuSeconds: cpu,
      seconds: s,
      ...(host !== undefined ? { hostCpuSeconds: host } : {}),
      reservedCores: reserved,
    });
    expect(e.kWh * 3.6e6).toBeCloseTo(joules, 6);
    expect(e.method).toBe('estimated');
  });

  it('shares a non-linear host curve by CPU time: the workloads of a host add up to the host', () => {
    const parts = [3, 5, 12].map((cpu) =>
      workloadEnergy(DEFAULT_POWER_MODEL, { cpuSeconds: cpu, seconds: 1, hostCpuSeconds: 20 }),
    );
    const host = ((hostWatts(DEFAULT_POWER_MODEL, 20 / 64) - 100) * DEFAULT_POWER_MODEL.pue) / 3.6e6;
    expect(parts.reduce((a, p) => a + p.dynamicKWh, 0)).toBeCloseTo(host, 12);
  });
});

describe('a known CPU burn', () => {
  it('matches the hand calculation within 5 % (energy and carbon)', async () => {
    // Burns exactly 2 CPU-seconds (whatever the machine's load), then idles until killed.
    const burn = spawn(process.execPath, [
      '-e',
      `const t=()=>{const u=process.cpuUsage();return (u.user+u.system)/1e6};while(t()<2){}
       console.log('done');setInterval(()=>{},1000)`,
    ]);
    try {
      await new Promise<void>((resolve, reject) => {
        burn.stdout.on('data', (d: Buffer) => d.toString().includes('done') && resolve());
        burn.once('exit', (c) => reject(new Error(`burn exited ${c}`)));
      });
      const measured = procUsage(burn.pid!)!.cpuSeconds; // as the agent's metering samples it
      const e = workloadEnergy(linear, { cpuSeconds: measured, seconds: 60, reservedCores: 0 });
      const handKWh = ((((250 - 50) * 2) / 4) * 1.5) / 3.6e6; // 2 CPU-s of a 4-core 50–250 W host, PUE 1.5
      expect(Math.abs(e.kWh - handKWh) / handKWh).toBeLessThan(0.05);
      const g = carbonGrams(e.kWh, 301); // DE, 2020 mean
      expect(Math.abs(g - handKWh * 301) / (handKWh * 301)).toBeLessThan(0.05);
    } finally {
      killTree(burn.pid!);
    }
  }, 120_000);
});

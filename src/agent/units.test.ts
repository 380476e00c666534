// Unit tests of the agent's pure parts: merge diffs, RunSpec/status mapping, site status, offline report, connection state, RTT probe.
import { describe, expect, it } from 'vitest';
import { TransportError } from '../client/index.js';
import { ApiError, type Workload, type WorkloadSpec } from '../model/index.js';
import { stored, workload } from '../model/testing/index.js';
import { siteSpecFromFlags } from '../cli/commands/agent.js';
import { isConnectionError } from '../client/index.js';
import { Connection } from '../runtime/index.js';
import type { RunState } from './drivers/driver.js';
import { stableLatencies } from './heartbeat.js';
import { deepEqual, mergeDiff } from './merge-diff.js';
import { silentLogger } from './options.js';
import { measurePeers, measureRtt, parseHostPort, startEchoServer } from './probe.js';
import { allocatableOf, buildSiteStatus, OfflineJournal, sumResources } from './site-status.js';
import { toRunSpec, workloadStatus, workloadUrl } from './workload-spec.js';

const wl = (over: Partial<WorkloadSpec> = {}): Workload =>
  stored(
    workload('shop', 'web', {
      siteName: 's1',
      spec: {
        artifact: { command: 'node', args: ['x.mjs'] },
        ports: [{ name: 'admin' }, { name: 'http', expose: true }],
        env: [
          { name: 'A', value: '1' },
          { name: 'S', valueFrom: { secretKeyRef: { name: 'n', key: 'k' } } },
          { name: 'CONTINUUM_SITE', value: 'spoof' },
        ],
        ...over,
      },
    }),
    { uid: 'u1', resourceVersion: '7', generation: 3 },
  );

const state = (over: Partial<RunState> = {}): RunState => ({
  id: 'shop/web',
  uid: 'u1',
  generation: 3,
  phase: 'Running',
  ready: true,
  pid: 42,
  host: '127.0.0.1',
  ports: { admin: 9000, http: 9001 },
  restarts: 2,
  startedAt: '2026-01-01T00:00:01Z',
  limits: { cpu: false, memory: false, reason: 'no cgroups' },
  ...over,
});

describe('mergeDiff', () => {
  it('produces the minimal RFC 7386 patch, nulls for removed members, undefined when equal', () => {
    expect(mergeDiff({ a: 1, b: { c: 1, d: 2 }, e: [1] }, { a: 1, b: { c: 1, d: 2 }, e: [1] })).toBeUndefined();
    expect(mergeDiff({ a: 1, b: { c: 1, d: 2 }, e: [1], gone: 'x' }, { a: 2, b: { c: 1 }, e: [1, 2] })).toEqual({
      a: 2,
      b: { d: null },
      e: [1, 2],
      gone: null,
    });
    expect(mergeDiff({}, { ports: { http: 1 } })).toEqual({ ports: { http: 1 } });
    expect(mergeDiff({ x: 'str' }, { x: { y: 1 } })).toEqual({ x: { y: 1 } });
    expect(deepEqual({ a: undefined, b: 1 }, { b: 1 })).toBe(true);
  });
});

describe('workload mapping', () => {
  it('builds the RunSpec with literal env, CONTINUUM_* variables and defaults', () => {
    const r = toRunSpec(wl(), { site: 's1', artifactBaseDir: '/pkg' });
    expect(r).toMatchObject({
      id: 'shop/web',
      uid: 'u1',
      generation: 3,
      runtime: 'process',
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 10,
      artifactBaseDir: '/pkg',
      resources: {},
    });
    expect(r.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'CONTINUUM_SITE', value: 's1' },
      { name: 'CONTINUUM_WORKLOAD', value: 'shop/web' },
      { name: 'CONTINUUM_NAMESPACE', value: 'shop' },
    ]);
  });

  it('reports url of the first exposed port, Ready with a stable transition time, and start failures', () => {
    expect(workloadUrl(wl().spec, state())).toBe('http://127.0.0.1:9001');
    expect(workloadUrl({ ...wl().spec, ports: [{ name: 'a' }, { name: 'b' }] }, { host: 'h', ports: { b: 5 } })).toBe(
      'http://h:5',
    );
    const s1 = workloadStatus(wl(), 's1', 'T1', { state: state() });
    expect(s1).toMatchObject({
      phase: 'Running',
      observedGeneration: 3,
      siteName: 's1',
      restarts: 2,
      pid: 42,
      url: 'http://127.0.0.1:9001',
      ports: { admin: 9000, http: 9001 },
    });
    expect(s1.conditions).toEqual([{ type: 'Ready', status: 'True', reason: 'Running', lastTransitionTime: 'T1' }]);
    const s2 = workloadStatus(wl({}) && { ...wl(), status: s1 }, 's1', 'T2', { state: state({ restarts: 3 }) });
    expect(s2.conditions?.[0].lastTransitionTime).toBe('T1');
    const s3 = workloadStatus({ ...wl(), status: s2 }, 's1', 'T3', {
      state: state({ phase: 'Starting', ready: false, pid: undefined, message: 'killed by SIGKILL' }),
    });
    expect(s3.conditions?.[0]).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'Restarting',
      message: 'killed by SIGKILL',
      lastTransitionTime: 'T3',
    });
    expect(s3.pid).toBeUndefined();
    expect(workloadStatus(wl(), 's1', 'T', { error: 'cannot start: nope' })).toMatchObject({
      phase: 'Failed',
      message: 'cannot start: nope',
      conditions: [{ reason: 'StartFailed' }],
    });
    // A driver's machine-readable reason replaces the generic one (start refusals and crash loops alike).
    const missing = state({ phase: 'Starting', ready: false, reason: 'CommandNotFound', message: 'x not found' });
    expect(workloadStatus(wl(), 's1', 'T', { state: missing }).conditions?.[0]).toMatchObject({
      reason: 'CommandNotFound',
      message: 'x not found',
    });
    const refused = { error: 'cannot start: command x not found on PATH', reason: 'CommandNotFound' };
    expect(workloadStatus(wl(), 's1', 'T', refused).conditions?.[0].reason).toBe('CommandNotFound');
  });
});

describe('site status', () => {
  it('declared capacity wins, the host fills the gaps; allocations add up', () => {
    expect(allocatableOf({ capacity: { cpu: 4, memory: '8Gi' }, allocatable: { cpu: 3 } })).toEqual({
      cpu: 3,
      memory: '8Gi',
    });
    const host = allocatableOf({ capacity: {} });
    expect(host.cpu).toBeGreaterThan(0);
    expect(String(host.memory)).toMatch(/^\d+(Mi|Gi|Ti)$/);
    expect(sumResources([{ cpu: '250m', memory: '64Mi' }, { cpu: 1, memory: '1Gi', gpu: 1 }, {}])).toEqual({
      cpu: '1250m',
      memory: '1088Mi',
      gpu: 1,
    });
  });

  it('keeps foreign fields and conditions, replaces owned ones, and writes nothing when no fact changed', () => {
    const r = {
      now: new Date('2026-01-01T00:00:05Z'),
      agent: { name: 'a' },
      allocatable: { cpu: 1 },
      allocated: { cpu: '0' },
      workloads: 0,
      latencyMs: {},
    };
    const prev = {
      energy: { powerW: 5 },
      latencyMs: { old: 1 },
      message: 'old',
      lastHeartbeatTime: '2026-01-01T00:00:00Z',
      conditions: [{ type: 'Ready', status: 'True' as const, reason: 'AgentLeaseRenewed', lastTransitionTime: 'T0' }],
    };
    const s = buildSiteStatus(prev, r);
    expect(s.energy).toEqual({ powerW: 5 });
    expect(s.latencyMs).toBeUndefined();
    expect(s.message).toBeUndefined();
    // Ready belongs to the site health controller (from the lease), not to the agent.
    expect(s.conditions).toEqual(prev.conditions);
    expect(mergeDiff(prev, s)).toEqual({
      latencyMs: null,
      message: null,
      lastHeartbeatTime: null,
      agent: { name: 'a' },
      allocatable: { cpu: 1 },
      allocated: { cpu: '0' },
      workloads: 0,
    });
    // A later heartbeat with the same facts: no write at all (liveness is the Lease).
    expect(mergeDiff(s, buildSiteStatus(s, { ...r, now: new Date('2026-01-01T00:01:00Z') }))).toBeUndefined();
  });

  it('keeps RTT samples that moved by jitter only, so an idle site is not rewritten', () => {
    const cases: Array<[Record<string, number>, Record<string, number>, Record<string, number>]> = [
      [{}, { a: 3 }, { a: 3 }],
      [{ a: 3 }, { a: 3.8 }, { a: 3 }],
      [{ a: 3 }, { a: 4.5 }, { a: 4.5 }],
      [{ a: 100 }, { a: 115 }, { a: 100 }],
      [{ a: 100 }, { a: 125 }, { a: 125 }],
      [{ a: 3, gone: 5 }, { a: 3 }, { a: 3 }],
    ];
    for (const [prev, next, want] of cases) expect(stableLatencies(prev, next)).toEqual(want);
  });

  it('summarises an offline period with the restarts and failures that happened', () => {
    const j = new OfflineJournal();
    j.wentOffline([state({ id: 'a', restarts: 1 }), state({ id: 'b' })]);
    const msg = j.cameBack(
      { since: new Date(0), until: new Date(12_340), startedOffline: false },
      [state({ id: 'a', restarts: 3 }), state({ id: 'b', phase: 'Failed' }), state({ id: 'c' })],
      'connect ECONNREFUSED',
    );
    expect(msg).toBe(
      'offline from 1970-01-01T00:00:00.000Z to 1970-01-01T00:00:12.340Z (12.3 s): connect ECONNREFUSED; 3 workload(s) stayed under local supervision; restarted locally while offline: a ×2; failed while offline: b',
    );
  });
});

describe('connection', () => {
  it('classifies failures', () => {
    expect(isConnectionError(new TransportError('x'))).toBe(true);
    expect(isConnectionError(new ApiError('Unavailable', 'x'))).toBe(true);
    expect(isConnectionError(new ApiError('NotFound', 'x'))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isConnectionError(new Error('boom'))).toBe(false);
  });

  it('starts offline when unreachable, reconnects with back-off, reports the window, throws fatal errors', async () => {
    let up = false;
    const windows: unknown[] = [];
    const c = new Connection({
      connect: async () => {
        if (!up) throw new TransportError('down');
      },
      backoff: { baseMs: 5, maxMs: 20 },
      clock: () => new Date(),
      log: silentLogger,
      onOnline: (w) => windows.push(w),
    });
    await c.start();
    expect(c.online).toBe(false);
    const online = c.whenOnline();
    up = true;
    await online;
    expect(windows).toMatchObject([{ startedOffline: true }]);
    expect(c.fail(new ApiError('Conflict', 'x'))).toBe(false);
    expect(c.online).toBe(true);
    up = false;
    expect(c.fail(new TransportError('gone'))).toBe(true);
    expect(c.online).toBe(false);
    expect(c.offlineReason).toBe('gone');
    up = true;
    await c.whenOnline();
    expect(windows).toMatchObject([{ startedOffline: true }, { startedOffline: false }]);
    await c.close();
    await expect(c.whenOnline()).rejects.toThrow(/stopped/);
    const fatal = new Connection({
      connect: async () => {
        throw new ApiError('NotFound', 'no site');
      },
      clock: () => new Date(),
      log: silentLogger,
    });
    await expect(fatal.start()).rejects.toThrow(/no site/);
    await fatal.close();
  });
});

describe('RTT probe', () => {
  it('measures an echo listener and leaves unreachable peers out', async () => {
    expect(parseHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseHostPort('nope')).toBeUndefined();
    const echo = await startEchoServer('127.0.0.1:0');
    try {
      const ms = await measureRtt(echo.address);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(500);
      const dead = await startEchoServer('127.0.0.1:0');
      await dead.close();
      expect(
        Object.keys(
          await measurePeers(
            new Map([
              ['live', echo.address],
              ['dead', dead.address],
              ['junk', 'x'],
            ]),
          ),
        ),
      ).toEqual(['live']);
    } finally {
      await echo.close();
    }
  });
});

describe('continuum agent flags', () => {
  it('builds a Site spec only when asked, and insists on the required fields', () => {
    expect(siteSpecFromFlags({})).toBeUndefined();
    expect(
      siteSpecFromFlags({
        provider: 'p',
        category: 'far-edge',
        country: 'de',
        lat: '52.5',
        lon: '13.4',
        cpu: '8',
        memory: '16Gi',
      }),
    ).toEqual({
      provider: 'p',
      category: 'far-edge',
      location: { country: 'DE', latitude: 52.5, longitude: 13.4 },
      capacity: { cpu: 8, memory: '16Gi' },
    });
    expect(() => siteSpecFromFlags({ provider: 'p' })).toThrow(/--category, --country, --lat, --lon/);
    expect(() => siteSpecFromFlags({ provider: 'p', category: 'moon', country: 'DE', lat: '1', lon: '1' })).toThrow(
      /category/,
    );
  });
});

// Crash safety on both engines: SIGKILL the server during concurrent writes; every acknowledged write survives.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { site as siteFixture } from '../src/model/testing/index.js';
import { adminToken, api, killHard, PG_URL, startChild, tempDir, type Child } from './harness.js';

const BASE = '/apis/continuum.eu/v1alpha1';
const WRITERS = 12;
const TARGET_ACKS = 600;
/** SIGKILLs per engine; each lands after a count of acknowledged writes, not after a time, so load only slows it. */
const KILLS = 4;
/** A hang guard, not a performance claim: the work is bounded by KILLS and TARGET_ACKS, not by the clock. */
const HANG_GUARD_MS = 600_000;

/** Every server started, so none outlives a failed or timed-out run (which must then start no more). */
const started = new Set<Child>();
let suiteOver = false;
async function startServer(args: string[]): Promise<Child> {
  if (suiteOver) throw new Error('the suite is over: no more servers');
  const c = await startChild(args, /listening on (\S+)/);
  started.add(c);
  if (suiteOver) {
    await killHard(c);
    throw new Error('the suite is over: no more servers');
  }
  return c;
}
afterAll(async () => {
  suiteOver = true;
  for (const c of started) await killHard(c);
});

interface Ack {
  name: string;
  rv: number;
  counter: number;
}

const site = (name: string, counter: number) =>
  siteFixture(name, {
    labels: { counter: String(counter) },
    provider: 'crash',
    spec: { capacity: { cpu: counter + 1 } },
  });

async function crashRun(engine: string, serverArgs: string[]): Promise<void> {
  const dataDir = tempDir(`crash-${engine}`);
  const args = ['server', '--data-dir', dataDir, '--port', '0', ...serverArgs];
  const acks = new Map<string, Ack>();
  let total = 0;
  let child: Child | undefined;
  let round = 0;
  const perRound = Math.ceil(TARGET_ACKS / KILLS);
  while (total < TARGET_ACKS || round < KILLS) {
    round++;
    child = await startServer(args);
    const url = child.url;
    const token = adminToken(dataDir);
    let alive = true;
    // Kill once this round has between 0.5× and 1.5× its share of acknowledged writes, while writes are in flight.
    const killAfter = total + Math.ceil(perRound * (0.5 + Math.random()));
    const victim = child;
    const kill = (): void => {
      if (!alive) return;
      alive = false;
      void killHard(victim);
    };
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; alive; i++) {
        // Half creates of new objects, half updates of this writer's earlier objects.
        const mine = [...acks.values()].filter((a) => a.name.startsWith(`w${w}-`));
        const update = i % 2 === 1 && mine.length > 0;
        const target = update ? mine[i % mine.length] : undefined;
        const name = target?.name ?? `w${w}-r${round}-${i}`;
        const counter = (target?.counter ?? 0) + 1;
        try {
          const r = update
            ? await api(
                url,
                token,
                'PATCH',
                `${BASE}/sites/${name}`,
                { metadata: { labels: { counter: String(counter) } }, spec: { capacity: { cpu: counter + 1 } } },
                { 'content-type': 'application/merge-patch+json' },
              )
            : await api(url, token, 'POST', `${BASE}/sites`, site(name, counter));
          if (r.status === 200 || r.status === 201) {
            acks.set(name, { name, rv: Number(r.body.metadata.resourceVersion), counter });
            if (++total >= killAfter) kill();
          } else if (alive) throw new Error(`unexpected ${r.status}: ${JSON.stringify(r.body)}`);
        } catch (e) {
          if (alive) throw e;
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    kill();
    await killHard(child);
  }
  // Restart and verify.
  child = await startServer(args);
  try {
    const list = await api(child.url, adminToken(dataDir), 'GET', `${BASE}/sites`);
    expect(list.status).toBe(200);
    const stored = new Map<string, any>(list.body.items.map((o: any) => [o.metadata.name, o]));
    let missing = 0;
    for (const a of acks.values()) {
      const o = stored.get(a.name);
      if (!o) {
        missing++;
        continue;
      }
      expect(Number(o.metadata.resourceVersion)).toBeGreaterThanOrEqual(a.rv);
      expect(Number(o.metadata.labels.counter)).toBeGreaterThanOrEqual(a.counter);
    }
    expect(missing, `${missing} acknowledged writes lost`).toBe(0);
    // Nothing half-written: every stored object is one complete state we sent (label and spec agree).
    for (const o of stored.values()) expect(o.spec.capacity.cpu).toBe(Number(o.metadata.labels.counter) + 1);
    expect(total).toBeGreaterThanOrEqual(TARGET_ACKS);
  } finally {
    await killHard(child);
  }
}

describe('crash safety (SIGKILL during concurrent writes)', () => {
  it(
    'sqlite: every acknowledged write survives',
    async () => {
      await crashRun('sqlite', []);
    },
    HANG_GUARD_MS,
  );

  const schema = `crash_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });
  it(
    'postgres: every acknowledged write survives',
    async () => {
      await crashRun('postgres', ['--postgres', PG_URL, '--schema', schema]);
    },
    HANG_GUARD_MS,
  );
});

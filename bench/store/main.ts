// Store benchmark: creates/s through the Store vs raw better-sqlite3 inserts, and watch fan-out, in one run.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_VERSION, SiteKind } from '../../src/model/index.js';
import { SqliteBackend, Store } from '../../src/store/index.js';

const N = Number(process.env.BENCH_N ?? 1000);
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 100);

const site = (i: number) => ({
  apiVersion: API_VERSION,
  kind: 'Site',
  metadata: { name: `site-${i}`, labels: { bench: 'store' } },
  spec: {
    provider: 'bench',
    category: 'far-edge' as const,
    location: { country: 'ES', latitude: 40, longitude: -3 },
    capacity: { cpu: 8, memory: '16Gi' },
  },
});

let rawRuns = 0;
function rawInserts(dir: string, sync: 'FULL' | 'NORMAL'): number {
  const db = new Database(join(dir, `raw-${sync}-${rawRuns++}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.exec(
    'CREATE TABLE objects (resource TEXT, namespace TEXT, name TEXT, revision INTEGER, data TEXT, PRIMARY KEY (resource, namespace, name)) WITHOUT ROWID',
  );
  const ins = db.prepare('INSERT INTO objects VALUES (?, ?, ?, ?, ?)');
  // One write transaction per insert, as the Store commits each acknowledged write on its own.
  const tx = db.transaction((i: number) => ins.run('sites', '', `site-${i}`, i, JSON.stringify(site(i)))).immediate;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) tx(i);
  const rate = N / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

let storeRuns = 0;
async function storeCreates(dir: string, sync: 'FULL' | 'NORMAL'): Promise<number> {
  const store = new Store(new SqliteBackend({ path: join(dir, `store-${sync}-${storeRuns++}.db`), synchronous: sync }));
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await store.create(SiteKind, site(i));
  const rate = N / ((performance.now() - t0) / 1000);
  await store.close();
  return rate;
}

async function fanOut(
  dir: string,
  watchers: number,
): Promise<{ createsPerSec: number; deliveredPerSec: number; p50: number; p99: number }> {
  const store = new Store(new SqliteBackend({ path: join(dir, `fan-${watchers}.db`), synchronous: 'FULL' }), {
    watchPollMs: 1000,
  });
  const sentAt = new Map<string, number>();
  const lat: number[] = [];
  let delivered = 0;
  const done: Promise<void>[] = [];
  for (let w = 0; w < watchers; w++) {
    const watch = await store.watch(SiteKind, { resourceVersion: String(await store.revision()) });
    done.push(
      (async () => {
        let seen = 0;
        for await (const ev of watch) {
          if (ev.type === 'BOOKMARK') continue;
          lat.push(performance.now() - (sentAt.get(ev.object.metadata.name) ?? 0));
          delivered++;
          if (++seen === N) break;
        }
        watch.close();
      })(),
    );
  }
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    sentAt.set(`site-${i}`, performance.now());
    await store.create(SiteKind, site(i));
  }
  const tCreate = performance.now() - t0;
  await Promise.all(done);
  const tAll = performance.now() - t0;
  await store.close();
  lat.sort((a, b) => a - b);
  return {
    createsPerSec: N / (tCreate / 1000),
    deliveredPerSec: delivered / (tAll / 1000),
    p50: lat[Math.floor(lat.length * 0.5)],
    p99: lat[Math.floor(lat.length * 0.99)],
  };
}

const fmt = (n: number): string => n.toFixed(0).padStart(8);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-bench-store-'));
  console.log(`bench/store: N=${N} objects per run, ${WATCHERS} watchers, node ${process.version}`);
  const rows: string[] = [];
  rawInserts(dir, 'NORMAL'); // warm-up: file system, page cache, JIT
  await storeCreates(dir, 'NORMAL');
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const sync of ['FULL', 'NORMAL'] as const) {
    // Alternate baseline and subject 5 times so drift on a noisy machine hits both; report medians.
    const raw: number[] = [];
    const st: number[] = [];
    for (let r = 0; r < 5; r++) {
      raw.push(rawInserts(dir, sync));
      st.push(await storeCreates(dir, sync));
    }
    rows.push(
      `| synchronous=${sync} | ${fmt(median(raw))} | ${fmt(median(st))} | ${((median(st) / median(raw)) * 100).toFixed(1)} % |`,
    );
  }
  console.log(
    '\nmedians of 5 alternating runs each\n\n| SQLite durability | raw better-sqlite3 inserts/s | Store creates/s | Store / raw |\n|---|---:|---:|---:|\n' +
      rows.join('\n'),
  );
  const rawFull = rawInserts(dir, 'FULL');
  const fan = await fanOut(dir, WATCHERS);
  const one = await fanOut(dir, 1);
  console.log(
    `\n| watch fan-out (synchronous=FULL) | creates/s | events delivered/s | delivery p50 ms | p99 ms | creates / raw inserts |\n|---|---:|---:|---:|---:|---:|`,
  );
  for (const [label, f] of [
    ['1 watcher', one],
    [`${WATCHERS} watchers`, fan],
  ] as const) {
    console.log(
      `| ${label} | ${fmt(f.createsPerSec)} | ${fmt(f.deliveredPerSec)} | ${f.p50.toFixed(2)} | ${f.p99.toFixed(2)} | ${((f.createsPerSec / rawFull) * 100).toFixed(1)} % |`,
    );
  }
  console.log(`\nraw better-sqlite3 baseline in this run (FULL): ${fmt(rawFull)} inserts/s`);
  rmSync(dir, { recursive: true, force: true });
}

await main();

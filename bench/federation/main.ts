// Federation benchmark: apply → Running on a partner's zone (through EWBI) vs on an own site, alternating, same run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContinuumClient } from '../../src/client/index.js';
import { startEmbedded, type Embedded } from '../../src/embedded/index.js';
import { FederationKind } from '../../src/federation/guest/index.js';
import { packageRoot } from '../../src/lib/index.js';
import { API_VERSION, DeploymentKind, WorkloadKind, type ResourceInput } from '../../src/model/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const ROOT = packageRoot();
const SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');`;

const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function until(what: string, cond: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out: ${what}`);
}

const secret = (name: string, data: Record<string, string>): ResourceInput => ({
  apiVersion: API_VERSION,
  kind: 'Secret',
  metadata: { name, namespace: 'continuum-system' },
  spec: { type: 'ewbi.continuum.eu/client-credentials', stringData: data },
});

function app(name: string, script: string, area: string, maxMs: number): ResourceInput {
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata: { name, namespace: 'default' },
    spec: {
      requirements: { latency: [{ area, maxMs, component: 'web' }] },
      components: [
        {
          name: 'web',
          runtime: 'process',
          artifact: { command: process.execPath, args: [script] },
          ports: [{ name: 'http', protocol: 'HTTP', expose: true }],
          resources: { cpu: '100m', memory: '64Mi' },
          healthCheck: { http: { path: '/', port: 'http' }, periodSeconds: 0.1 },
        },
      ],
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-bench-fed-'));
  const script = join(dir, 'ok.cjs');
  writeFileSync(script, SERVER);
  let a: Embedded | undefined;
  let b: Embedded | undefined;
  try {
    const fixture = (f: string): string => join(ROOT, 'test', 'fixtures', f);
    b = await startEmbedded({
      dataDir: join(dir, 'b'),
      port: 0,
      topology: fixture('federation-beta.yaml'),
      confinement: 'off',
    });
    a = await startEmbedded({
      dataDir: join(dir, 'a'),
      port: 0,
      topology: fixture('federation-alpha.yaml'),
      confinement: 'off',
    });
    const ca = new ContinuumClient({ server: a.url, token: a.adminToken });
    const cb = new ContinuumClient({ server: b.url, token: b.adminToken });
    await cb.create(secret('ewbi-client-alpha', { clientId: 'alpha', clientSecret: 'alpha-secret-0123456789' }));
    await ca.create(secret('fed-beta', { clientId: 'alpha', clientSecret: 'alpha-secret-0123456789' }));
    await ca.create(secret('ewbi-client-beta', { clientId: 'beta', clientSecret: 'beta-secret-0123456789' }));
    await ca.create(secret('fed-beta-cb', { clientId: 'beta', clientSecret: 'beta-secret-0123456789' }));
    await ca.create({
      apiVersion: API_VERSION,
      kind: 'Federation',
      metadata: { name: 'beta' },
      spec: {
        partner: { endpoint: b.url, provider: 'beta-partner' },
        credentialsSecret: { name: 'fed-beta' },
        callbackCredentialsSecret: { name: 'fed-beta-cb' },
      },
    });
    await until('federation established', async () => {
      const f = await ca.get(FederationKind, undefined, 'beta');
      return f.status?.phase === 'Established' && !!f.status.acceptedZones?.length;
    });
    await ca.create(app('own', script, 'lisbon', 15));
    await ca.create(app('partner', script, 'munich', 5));
    const times: Record<string, number[]> = { own: [], partner: [] };
    console.log(
      `bench/federation: apply → Running, own site vs partner zone over EWBI, ${RUNS} runs each, alternating`,
    );
    for (let i = 0; i < RUNS + 1; i++)
      for (const v of i % 2 ? ['own', 'partner'] : ['partner', 'own']) {
        const started = performance.now();
        await ca.create({
          apiVersion: API_VERSION,
          kind: 'Deployment',
          metadata: { name: v, namespace: 'default' },
          spec: { application: v },
        });
        await until(`${v} Running`, async () => {
          const d = await ca.get(DeploymentKind, 'default', v);
          return d.status?.phase === 'Running' && !!d.status.endpoints?.length;
        });
        const ms = performance.now() - started;
        if (i > 0) times[v].push(ms); // the first round warms both paths up
        await ca.delete(DeploymentKind, 'default', v);
        await until(
          `${v} cleaned up`,
          async () => (await ca.list(WorkloadKind, { namespace: 'default' })).items.length === 0,
        );
      }
    const own = times.own;
    const partner = times.partner;
    const row = (label: string, xs: number[]): string =>
      `${label.padEnd(14)} p50 ${pct(xs, 0.5).toFixed(0)} ms  p99 ${pct(xs, 0.99).toFixed(0)} ms  max ${Math.max(...xs).toFixed(0)} ms`;
    console.log(row('own site', own));
    console.log(row('partner zone', partner));
    const ratio = pct(partner, 0.5) / pct(own, 0.5);
    console.log(
      `partner/own (p50): ${ratio.toFixed(2)}x  (goal ≤ 2x; p99 ≤ 2000 ms: ${pct(partner, 0.99) <= 2000 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await a?.stop({ stopWorkloads: true }).catch(() => undefined);
    await b?.stop({ stopWorkloads: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

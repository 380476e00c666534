// `continuum explain` against a real control plane: a stored deployment, `-f` dry runs, and kinds it does not explain.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureEnv, type SecureEnv } from '../../api/testing/secure-env.js';
import { ApplicationKind, DeploymentKind, kindByName, SiteKind, WorkloadKind } from '../../model/index.js';
import { application, component, deployment } from '../../model/testing/index.js';
import { loadTopology } from '../../topology/index.js';
import { runCli } from '../testing/run.js';

let env: SecureEnv;
let admin: string[];
const dir = mkdtempSync(join(tmpdir(), 'ctm-explain-'));

const VC = `apiVersion: continuum.eu/v1alpha1
kind: Application
metadata: { name: vc }
spec:
  components:
    - name: sfu
      artifact: { command: sfu }
      ports: [{ name: media, expose: true }]
  requirements:
    jurisdiction: { euOnly: true }
    spread: { sites: true, providers: true }
    latency: [{ area: zurich, maxMs: 15 }, { area: london, maxMs: 15 }]
---
apiVersion: continuum.eu/v1alpha1
kind: Deployment
metadata: { name: vc }
spec:
  application: vc
  areas: [{ area: zurich, replicas: 2 }, { area: london, replicas: 2 }]
`;
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  env = await startSecureEnv({ runControllers: false });
  admin = ['--server', env.cp.url, '--token', env.adminToken];
  const topo = loadTopology();
  for (const obj of [...topo.providers, ...topo.areas, ...topo.sites])
    await env.cp.store.apply(kindByName(obj.kind)!, obj);
  const now = new Date().toISOString();
  for (const s of (await env.cp.store.list(SiteKind)).items)
    await env.cp.store.updateStatus(SiteKind, {
      ...s,
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'AgentHeartbeat', lastTransitionTime: now }] },
    });
}, 60_000);
afterAll(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('continuum explain -f (dry run)', () => {
  it('says where the video-conferencing manifest would run and why, and creates nothing', async () => {
    const r = await runCli('explain', '-f', file('vc.yaml', VC), ...admin);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Deployment default\/vc \(application vc\) — dry run, nothing was created\n/);
    expect(r.out).toMatch(/sites fit component sfu in Zurich/);
    expect(r.out).toMatch(/sfu\/\d@london -> hexa-paris-metro \(hexa\)/);
    expect(r.out).toMatch(/would place all 4 replicas\n$/);
    expect((await env.cp.store.list(DeploymentKind)).items).toEqual([]);
    expect((await env.cp.store.list(WorkloadKind)).items).toEqual([]);
  });

  it('exits 1 and names the unplaced replicas when the manifest cannot be placed; -o json gives the preview', async () => {
    const tight = file('tight.yaml', VC.replace('{ area: london, maxMs: 15 }', '{ area: london, maxMs: 2 }'));
    const r = await runCli('explain', '-f', tight, ...admin);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/0\/31 sites fit component sfu in London: .*over 2 ms from London/);
    expect(r.out).toMatch(/would leave 2 of 4 replicas unplaced: sfu\/2@london, sfu\/3@london\n$/);
    const j = await runCli('explain', '-f', tight, '-o', 'json', ...admin);
    expect(JSON.parse(j.out)).toMatchObject({ kind: 'PlacementPreview', placed: false, replicas: 4 });
  });

  it('previews an Application alone with a default deployment, and says so', async () => {
    const r = await runCli('explain', '-f', file('app.yaml', VC.split('---')[0]), ...admin);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('no Deployment of application vc in the files');
    expect(r.out).toMatch(/would place all 1 replica\n$/);
  });

  it('rejects an invalid manifest with the field path', async () => {
    const r = await runCli(
      'explain',
      '-f',
      file('bad.yaml', VC.replace('application: vc', 'application: Not_A_Name')),
      ...admin,
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/deployment\.spec\.application/);
  });
});

describe('continuum explain DEPLOYMENT', () => {
  it('names the deployment it explains', async () => {
    await env.cp.store.create(ApplicationKind, application('default', 'shop', { components: [component('web')] }));
    await env.cp.store.create(DeploymentKind, deployment('default', 'shop', { application: 'shop' }));
    const d = (await env.cp.store.get(DeploymentKind, 'default', 'shop'))!;
    await env.cp.store.updateStatus(DeploymentKind, {
      ...d,
      status: {
        placement: {
          seed: 0,
          assignments: [{ component: 'web', replica: 0, site: 'hexa-paris-metro', provider: 'hexa' }],
          explanation: [
            {
              component: 'web',
              candidates: 31,
              feasible: 31,
              rejected: {},
              reasons: [],
              summary: '31/31 sites fit component web; placed 1/1 replica on hexa-paris-metro',
            },
          ],
        },
      },
    });
    for (const args of [['shop'], ['deployment/shop'], ['deployment', 'shop']]) {
      const r = await runCli('explain', ...args, ...admin);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/^Deployment default\/shop \(application shop\) — placed/);
      expect(r.out).toContain('  web/0 -> hexa-paris-metro (hexa)');
    }
  });

  it.each<[string[], RegExp]>([
    [['site', 'hexa-paris-metro'], /not a Site; for its details use `continuum describe site hexa-paris-metro`/],
    [['site/hexa-paris-metro'], /not a Site; for its details use `continuum describe site hexa-paris-metro`/],
    [['site'], /explains the placement of a Deployment .*not a Site; for its details use `continuum describe site`/],
    [['application', 'vc'], /`continuum explain -f app.yaml`/],
    [['workload', 'x'], /a workload's placement is its deployment's/],
    [['gadget', 'x'], /unknown kind "gadget"/],
    [[], /a deployment name \(or -f FILE\) is required/],
  ])('explain %j says what to do instead (exit 2)', async (args, message) => {
    const r = await runCli('explain', ...args, ...admin);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/Deployment "site" not found/);
  });

  it('a missing deployment is still NotFound (exit 1)', async () => {
    const r = await runCli('explain', 'nope', ...admin);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/NotFound/);
  });
});

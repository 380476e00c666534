// apply --dry-run, diff, edit and scale through the real CLI against an in-process control plane over HTTP.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureEnv, type SecureEnv } from '../../api/testing/secure-env.js';
import { ApplicationKind, DeploymentKind, NamespaceKind, UserAreaKind } from '../../model/index.js';
import { application, deployment, namespace, userArea } from '../../model/testing/index.js';
import { runCli } from '../testing/run.js';

let env: SecureEnv;
let admin: string[];
let dir: string;

const APP = (args: string[]) => `apiVersion: continuum.eu/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: team
spec:
  components:
    - name: web
      artifact:
        command: node
        args: ${JSON.stringify(args)}
`;

beforeAll(async () => {
  env = await startSecureEnv({ runControllers: false });
  admin = ['--server', env.cp.url, '--token', env.adminToken, '-n', 'team'];
  await env.cp.store.create(NamespaceKind, namespace('team'));
  dir = mkdtempSync(join(tmpdir(), 'ctm-cli-write-'));
}, 60_000);
afterAll(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('apply --dry-run and diff', () => {
  it('--dry-run=server says what would happen and stores nothing; errors keep their field paths', async () => {
    const f = file('v1.yaml', APP(['v1.mjs']));
    const dry = await runCli('apply', '-f', f, '--dry-run=server', ...admin);
    expect([dry.code, dry.out]).toEqual([0, 'application/shop created (server dry run)\n']);
    expect(await env.cp.store.get(ApplicationKind, 'team', 'shop')).toBeUndefined();
    expect((await runCli('apply', '-f', f, ...admin)).out).toBe('application/shop created\n');
    const v2 = file('v2.yaml', APP(['v2.mjs']));
    const dry2 = await runCli('apply', '-f', v2, '--dry-run=server', '-o', 'yaml', ...admin);
    expect(dry2.out).toContain('- v2.mjs');
    expect((await env.cp.store.get(ApplicationKind, 'team', 'shop'))!.spec.components[0].artifact).toMatchObject({
      args: ['v1.mjs'],
    });
    const bad = file('bad.yaml', APP(['x']).replace('command: node', 'command: 42'));
    const r = await runCli('apply', '-f', bad, '--dry-run=server', ...admin);
    expect([r.code, r.err]).toEqual([
      1,
      expect.stringContaining('spec.components[0].artifact.command: must be string'),
    ]);
    const client = await runCli('apply', '-f', bad, '--dry-run=client');
    expect([client.code, client.err]).toEqual([1, expect.stringContaining('artifact')]);
    expect((await runCli('apply', '-f', f, '--dry-run=maybe', ...admin)).code).toBe(2);
  });

  it('diff: exit 0 without changes, 1 with a unified diff, 2 on errors; nothing is written', async () => {
    const same = await runCli('diff', '-f', file('same.yaml', APP(['v1.mjs'])), ...admin);
    // Same values: no value line differs (a re-applied stringData may still bump the generation, as apply would).
    expect(same.out).not.toMatch(/\((before|after)\)/);
    expect(same.out).not.toContain('first-secret-value');
    const before = (await env.cp.store.get(ApplicationKind, 'team', 'shop'))!.metadata.resourceVersion;
    const changed = await runCli('diff', '-f', file('v3.yaml', APP(['v3.mjs'])), ...admin);
    expect(changed.code).toBe(1);
    expect(changed.out).toContain('--- live/applications/team/shop\n+++ merged/applications/team/shop\n');
    expect(changed.out).toMatch(/^-\s+- v1\.mjs$/m);
    expect(changed.out).toMatch(/^\+\s+- v3\.mjs$/m);
    expect(changed.out).toMatch(/^-\s+generation: 1\n\+\s+generation: 2$/m);
    const fresh = await runCli(
      'diff',
      '-f',
      file('new.yaml', APP(['a']).replace('name: shop', 'name: cart')),
      ...admin,
    );
    expect([fresh.code, fresh.out]).toEqual([1, expect.stringMatching(/^\+kind: Application$/m)]);
    const bad = await runCli(
      'diff',
      '-f',
      file('bad2.yaml', APP(['x']).replace('command: node', 'command: 42')),
      ...admin,
    );
    expect(bad.code).toBe(2);
    expect((await env.cp.store.get(ApplicationKind, 'team', 'shop'))!.metadata.resourceVersion).toBe(before);
    expect(await env.cp.store.get(ApplicationKind, 'team', 'cart')).toBeUndefined();
  });
});

describe('diff of a Secret', () => {
  const SECRET = (v: string) => `apiVersion: continuum.eu/v1alpha1
kind: Secret
metadata:
  name: db
  namespace: team
spec:
  stringData:
    password: ${v}
    user: app-user-name
`;
  it('never prints values: *** (before)/(after) where they change, no value line where they do not', async () => {
    expect((await runCli('apply', '-f', file('s1.yaml', SECRET('first-secret-value')), ...admin)).code).toBe(0);
    const r = await runCli('diff', '-f', file('s2.yaml', SECRET('second-secret-value')), ...admin);
    expect(r.code, r.err).toBe(1);
    for (const plain of ['first-secret-value', 'second-secret-value', 'app-user-name'])
      for (const shown of [plain, Buffer.from(plain).toString('base64')]) expect(r.out).not.toContain(shown);
    expect(r.out).toMatch(/^-\s+password: "\*\*\* \(before\)"$/m);
    expect(r.out).toMatch(/^\+\s+password: "\*\*\* \(after\)"$/m);
    const same = await runCli('diff', '-f', file('s3.yaml', SECRET('first-secret-value')), ...admin);
    // Same values: no value line differs (a re-applied stringData may still bump the generation, as apply would).
    expect(same.out).not.toMatch(/\((before|after)\)/);
    expect(same.out).not.toContain('first-secret-value');
  });
});

describe('edit', () => {
  /** An editor that plays `steps` in turn: each gets the file text and returns the new text. */
  function editor(steps: string[]): { seen: () => string[] } {
    const log = join(dir, `seen-${Date.now()}.json`);
    const script = file(
      `editor-${Date.now()}.mjs`,
      `import { readFileSync, writeFileSync, existsSync } from 'node:fs';
const log = ${JSON.stringify(log)};
const seen = existsSync(log) ? JSON.parse(readFileSync(log, 'utf8')) : [];
const f = process.argv[2];
const text = readFileSync(f, 'utf8');
seen.push(text);
writeFileSync(log, JSON.stringify(seen));
const steps = ${JSON.stringify(steps)};
const step = steps[seen.length - 1];
if (step === 'same') process.exit(0);
writeFileSync(f, step === 'v9' ? text.replace('- v1.mjs', '- v9.mjs').replace('command: 42', 'command: node') : step === 'badspec' ? text.replace('command: node', 'command: 42') : step);
`,
    );
    process.env.KUBE_EDITOR = `${process.execPath} ${script}`;
    return { seen: () => JSON.parse(readFileSync(log, 'utf8')) as string[] };
  }

  it('re-opens with the error on invalid YAML; saving the same broken text again gives up and keeps it', async () => {
    const ed = editor(['spec: [unclosed', 'same', APP(['v7.mjs'])]);
    const r = await runCli('edit', 'application', 'shop', ...admin);
    const seen = ed.seen();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatch(/^# The edited file is not valid YAML: /m);
    expect(seen[1]).toMatch(/^spec: \[unclosed$/m);
    expect([r.code, r.err]).toEqual([
      1,
      expect.stringMatching(/Edit cancelled: the file still has errors; it was kept in/),
    ]);
    const kept = /kept in (\S+)/.exec(r.err)![1];
    expect(readFileSync(kept, 'utf8')).toContain('spec: [unclosed');
    rmSync(kept);
    expect((await env.cp.store.get(ApplicationKind, 'team', 'shop'))!.spec.components[0].artifact.args).toEqual([
      'v1.mjs',
    ]);
  });

  it('saves a valid edit and shows field errors for an invalid one', async () => {
    const ed = editor(['badspec', 'v9']);
    const r = await runCli('edit', 'app', 'shop', ...admin);
    expect([r.code, r.out, r.err]).toEqual([0, 'application/shop edited\n', '']);
    const [first, second] = ed.seen();
    expect(first).toMatch(/^# Please edit the object below/);
    expect(first).toContain('- v1.mjs');
    expect(second).toMatch(/^# application "shop" was not valid:$/m);
    expect(second).toMatch(/^# {3}spec\.components\[0\]\.artifact\.command: must be string$/m);
    const saved = (await env.cp.store.get(ApplicationKind, 'team', 'shop'))!;
    expect(saved.spec.components[0].artifact).toMatchObject({ command: 'node', args: ['v9.mjs'] });
  });

  it('an unchanged file cancels; the editor failing is an error', async () => {
    editor(['same']);
    const r = await runCli('edit', 'app', 'shop', ...admin);
    expect([r.code, r.out]).toEqual([0, 'Edit cancelled, no changes made.\n']);
    process.env.KUBE_EDITOR = 'false';
    const f = await runCli('edit', 'app', 'shop', ...admin);
    expect([f.code, f.err]).toEqual([1, expect.stringContaining('editor "false')]);
  });
});

describe('scale', () => {
  it('sets an area, every area, or a component; refuses unknown areas and bad counts', async () => {
    // Admission checks references: the user areas and the application must exist.
    for (const a of ['zurich', 'london']) await env.cp.store.apply(UserAreaKind, userArea(a));
    if (!(await env.cp.store.get(ApplicationKind, 'team', 'shop')))
      await env.cp.store.create(ApplicationKind, application('team', 'shop'));
    await env.cp.store.create(
      DeploymentKind,
      deployment('team', 'shop', { areas: [{ area: 'zurich', replicas: 2 }, { area: 'london' }] }),
    );
    const one = await runCli('scale', 'deployment', 'shop', '--replicas', '3', '--area', 'london', ...admin);
    expect([one.code, one.out]).toEqual([0, 'deployment/shop scaled to 3 (area london)\n']);
    expect((await env.cp.store.get(DeploymentKind, 'team', 'shop'))!.spec.areas).toEqual([
      { area: 'zurich', replicas: 2 },
      { area: 'london', replicas: 3 },
    ]);
    await runCli('scale', 'deploy/shop', '--replicas', '1', ...admin);
    expect((await env.cp.store.get(DeploymentKind, 'team', 'shop'))!.spec.areas!.map((a) => a.replicas)).toEqual([
      1, 1,
    ]);
    const unknown = await runCli('scale', 'deployment', 'shop', '--replicas', '1', '--area', 'paris', ...admin);
    expect([unknown.code, unknown.err]).toEqual([2, expect.stringContaining('(areas: zurich, london)')]);
    expect((await runCli('scale', 'deployment', 'shop', '--replicas', '-1', ...admin)).code).toBe(2);
    expect((await runCli('scale', 'deployment', 'shop', ...admin)).code).toBe(2);
    const comp = await runCli('scale', 'deployment', 'shop', '--replicas', '4', '--component', 'web', ...admin);
    expect(comp.out).toBe('deployment/shop scaled to 4 (component web)\n');
    expect((await env.cp.store.get(DeploymentKind, 'team', 'shop'))!.spec.overrides).toEqual({ web: { replicas: 4 } });
    const shadowed = await runCli('scale', 'deployment', 'shop', '--replicas', '2', '--area', 'zurich', ...admin);
    expect([shadowed.code, shadowed.err]).toEqual([2, expect.stringContaining('use --component')]);
    const missing = await runCli('scale', 'deployment', 'nope', '--replicas', '1', ...admin);
    expect([missing.code, missing.err]).toEqual([1, expect.stringContaining('NotFound')]);
  });

  it('without areas, scales every component of the application', async () => {
    await env.cp.store.create(ApplicationKind, application('team', 'solo'));
    await env.cp.store.create(DeploymentKind, deployment('team', 'solo'));
    expect((await runCli('scale', 'deployment', 'solo', '--replicas', '2', ...admin)).out).toBe(
      'deployment/solo scaled to 2 (component web)\n',
    );
    expect((await env.cp.store.get(DeploymentKind, 'team', 'solo'))!.spec.overrides).toEqual({ web: { replicas: 2 } });
  });
});

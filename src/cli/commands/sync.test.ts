// `continuum sync DIR`: creates, reports and reverts drift, dry runs change nothing, --prune removes only what
// this source synced earlier.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../controlplane/index.js';
import { API_VERSION, UserAreaKind } from '../../model/index.js';
import { runCli } from '../testing/run.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-sync-'));
const repo = join(dir, 'fleet');
let cp: ControlPlane;
const area = (name: string, city: string) =>
  `apiVersion: ${API_VERSION}\nkind: UserArea\nmetadata: { name: ${name} }\n` +
  `spec: { location: { country: ES, city: ${city}, latitude: 40.4, longitude: -3.7 } }\n`;
const sync = (...args: string[]) => runCli('sync', repo, '--server', cp.url, '--token', cp.adminToken, ...args);

beforeAll(async () => {
  cp = await startControlPlane({ dataDir: join(dir, 'cp'), port: 0 });
  mkdirSync(repo);
  writeFileSync(join(repo, 'madrid.yaml'), area('madrid', 'Madrid'));
  writeFileSync(join(repo, 'lyon.yaml'), area('lyon', 'Lyon'));
});
afterAll(async () => {
  await cp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('continuum sync', () => {
  it('creates, reports and reverts drift, and prunes only its own objects', async () => {
    let r = await sync();
    expect(r.code).toBe(0);
    expect(r.out).toContain('userarea/madrid created');
    expect(r.out).toContain('userarea/lyon created');
    // Someone edits an object by hand: the dry run names the drifted field and changes nothing ...
    const m = await cp.store.get(UserAreaKind, undefined, 'madrid');
    await cp.store.update(UserAreaKind, {
      ...m!,
      spec: { ...m!.spec, location: { ...m!.spec.location, city: 'Getafe' } },
    });
    r = await sync('--dry-run');
    expect(r.out).toMatch(/userarea\/madrid configured \(drift: spec\.location\.city\) \(dry run\)/);
    expect(r.out).toMatch(/userarea\/lyon unchanged/);
    expect((await cp.store.get(UserAreaKind, undefined, 'madrid'))!.spec.location.city).toBe('Getafe');
    // ... the real sync puts the folder's value back.
    r = await sync();
    expect(r.out).toContain('1 drifted');
    expect((await cp.store.get(UserAreaKind, undefined, 'madrid'))!.spec.location.city).toBe('Madrid');
    // A file leaves the folder; an area created by hand (no sync label) is never pruned.
    await cp.store.create(UserAreaKind, {
      apiVersion: API_VERSION,
      kind: 'UserArea',
      metadata: { name: 'manual' },
      spec: { location: { country: 'FR', latitude: 45.7, longitude: 4.8 } },
    });
    unlinkSync(join(repo, 'lyon.yaml'));
    r = await sync('--prune', '--dry-run');
    expect(r.out).toContain('userarea/lyon pruned (dry run)');
    expect(await cp.store.get(UserAreaKind, undefined, 'lyon')).toBeDefined();
    r = await sync('--prune');
    expect(r.code).toBe(0);
    expect(r.out).toContain('userarea/lyon pruned');
    expect(r.out).not.toContain('manual');
    expect(await cp.store.get(UserAreaKind, undefined, 'lyon')).toBeUndefined();
    expect(await cp.store.get(UserAreaKind, undefined, 'manual')).toBeDefined();
  });
});

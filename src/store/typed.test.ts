// The Store is typed by the kind it is given: inputs are checked against the kind's spec, results carry its types.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  API_VERSION,
  ApiError,
  SiteKind,
  WorkloadKind,
  type AnyKindDef,
  type AnyResource,
  type ResourceInput,
  type Site,
  type SiteSpec,
  type Workload,
  type WorkloadSpec,
  type WorkloadStatus,
} from '../model/index.js';
import type { ListResult } from './list.js';
import { SqliteBackend } from './sqlite/backend.js';
import { Store } from './store.js';
import type { Watch } from './watch.js';

const siteSpec: SiteSpec = {
  provider: 'acme',
  category: 'metro-edge',
  location: { country: 'ES', latitude: 40.4, longitude: -3.7 },
  capacity: { cpu: 4 },
};
const site = (name: string) => ({ apiVersion: API_VERSION, kind: 'Site', metadata: { name }, spec: siteSpec });
const workload = (namespace: string, name: string): ResourceInput<WorkloadSpec, WorkloadStatus> => ({
  apiVersion: API_VERSION,
  kind: 'Workload',
  metadata: { name, namespace },
  spec: { component: 'web', artifact: { command: 'node' } },
});

describe('typed store', () => {
  it('returns objects of the kind and refuses, at compile time, a spec of another kind', async () => {
    const store = new Store(new SqliteBackend({ path: ':memory:' }));
    try {
      const created = await store.create(SiteKind, site('a'));
      expectTypeOf(created).toEqualTypeOf<Site>();
      expect(created.spec.location.country).toBe('ES');
      expectTypeOf(await store.get(SiteKind, undefined, 'a')).toEqualTypeOf<Site | undefined>();
      expectTypeOf(await store.list(WorkloadKind)).toEqualTypeOf<ListResult<Workload>>();
      const w = await store.watch(WorkloadKind, { namespace: 'n' });
      w.close();
      expectTypeOf(w).toEqualTypeOf<Watch<Workload>>();

      // @ts-expect-error a Workload is not a Site; the store refuses it at run time as well.
      const wrong = store.create(SiteKind, workload('n', 'w'));
      await expect(wrong).rejects.toBeInstanceOf(ApiError);

      // The erased form takes anything (HTTP bodies); validation answers with field paths.
      const anyKind: AnyKindDef = SiteKind;
      const err = await store.create(anyKind, { ...site('b'), spec: { provider: 1 } }).catch((e: unknown) => e);
      expect((err as ApiError).errors.map((e) => e.field)).toContain('spec.provider');
      expectTypeOf(await store.get(anyKind, undefined, 'a')).toEqualTypeOf<AnyResource | undefined>();
    } finally {
      await store.close();
    }
  });
});

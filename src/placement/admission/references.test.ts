// Admission of Applications and Deployments: unresolved references and contradictions are refused with field paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../security/kinds.js';
import {
  ApiError,
  ApplicationKind,
  DeploymentKind,
  kindByName,
  NamespaceKind,
  UserAreaKind,
  type ApplicationSpec,
  type DeploymentSpec,
} from '../../model/index.js';
import { application, component, deployment, namespace } from '../../model/testing/index.js';
import { Store, SqliteBackend } from '../../store/index.js';
import { loadTopology } from '../../topology/index.js';
import { packageRoot } from '../../lib/index.js';
import { readManifests } from '../../cli/commands/manifests.js';
import { join } from 'node:path';
import { referenceAdmission } from './references.js';

let store: Store;
beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }), { admission: [referenceAdmission] });
  await store.create(NamespaceKind, namespace('default'));
  const topo = loadTopology();
  for (const obj of [...topo.providers, ...topo.areas, ...topo.sites]) await store.apply(kindByName(obj.kind)!, obj);
  await store.create(kindByName('Secret')!, {
    apiVersion: 'continuum.eu/v1alpha1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'default' },
    spec: { stringData: { password: 'x' } },
  });
  await store.create(
    ApplicationKind,
    application('default', 'shop', { components: [component('web'), component('db')] }),
  );
});
afterAll(() => store.close());

const web = (extra: Partial<ApplicationSpec['components'][number]> = {}) => component('web', extra);
/** The field paths of the 422 answer, or 'accepted'. */
async function fieldsOf(create: () => Promise<unknown>): Promise<string[] | 'accepted'> {
  try {
    await create();
    return 'accepted';
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'Invalid') throw e;
    expect(e.status).toBe(422);
    return e.errors.map((f) => f.field);
  }
}
let n = 0;
const app = (spec: Partial<ApplicationSpec>) => () =>
  store.create(ApplicationKind, application('default', `app-${n++}`, { components: [web()], ...spec }));
const dep = (spec: Partial<DeploymentSpec>) => () =>
  store.create(DeploymentKind, deployment('default', `dep-${n++}`, { application: 'shop', ...spec }));

describe('reference admission', () => {
  it.each<[string, () => Promise<unknown>, string[] | 'accepted']>([
    [
      'a valid application',
      app({ requirements: { jurisdiction: { euOnly: true, allowedCountries: ['DE', 'FR'] } } }),
      'accepted',
    ],
    [
      'euOnly with a non-EU allowed country',
      app({ requirements: { jurisdiction: { euOnly: true, allowedCountries: ['DE', 'GB', 'CH'] } } }),
      ['spec.requirements.jurisdiction.allowedCountries[1]', 'spec.requirements.jurisdiction.allowedCountries[2]'],
    ],
    [
      "a component's allowed countries against the application's euOnly",
      app({
        requirements: { jurisdiction: { euOnly: true } },
        components: [web({ requirements: { jurisdiction: { allowedCountries: ['NO'] } } })],
      }),
      ['spec.components[0].requirements.jurisdiction.allowedCountries[0]'],
    ],
    [
      'a country both allowed and denied',
      app({ requirements: { jurisdiction: { allowedCountries: ['DE', 'FR'], deniedCountries: ['FR'] } } }),
      ['spec.requirements.jurisdiction.deniedCountries[0]'],
    ],
    [
      'a preferred category that is not allowed',
      app({ requirements: { categories: { allowed: ['cloud'], preferred: ['far-edge'] } } }),
      ['spec.requirements.categories.preferred[0]'],
    ],
    [
      'headquartersEU with a non-EU headquarters country',
      app({ requirements: { providerAttributes: { headquartersEU: true, headquartersCountries: ['US'] } } }),
      ['spec.requirements.providerAttributes.headquartersCountries[0]'],
    ],
    [
      'an unknown latency area and component',
      app({ requirements: { latency: [{ area: 'atlantis', maxMs: 10, component: 'nope' }] } }),
      ['spec.requirements.latency[0].area', 'spec.requirements.latency[0].component'],
    ],
    [
      'a missing secret and a connection to nothing',
      app({
        components: [
          web({
            env: [
              { name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
              { name: 'B', valueFrom: { secretKeyRef: { name: 'missing', key: 'k' } } },
            ],
            connections: [{ to: 'ghost' }],
          }),
        ],
      }),
      ['spec.components[0].connections[0].to', 'spec.components[0].env[1].valueFrom.secretKeyRef.name'],
    ],
    [
      'an accelerator model without a gpu',
      app({ components: [web({ resources: { gpuModel: 'NVIDIA L4' } })] }),
      ['spec.components[0].resources.gpuModel'],
    ],
    [
      'an accelerator model with gpus',
      app({ components: [web({ resources: { gpu: 1, gpuModel: 'NVIDIA L4' } })] }),
      'accepted',
    ],
    ['a valid deployment', dep({ areas: [{ area: 'zurich', replicas: 2 }, { area: 'london' }] }), 'accepted'],
    ['an unknown user area', dep({ areas: [{ area: 'zurich' }, { area: 'atlantis' }] }), ['spec.areas[1].area']],
    ['a missing application', dep({ application: 'nope' }), ['spec.application']],
    [
      'an unknown pinned site and component, an override of no component',
      dep({
        placement: { pinned: { web: 'nowhere', ghost: 'hexa-paris-metro' } },
        overrides: { ghost: { replicas: 2 } },
      }),
      ['spec.placement.pinned.web', 'spec.placement.pinned.ghost', 'spec.overrides.ghost'],
    ],
    [
      "the deployment's euOnly against the application's non-EU countries",
      async () => {
        await store.create(
          ApplicationKind,
          application('default', 'uk', {
            components: [web()],
            requirements: { jurisdiction: { allowedCountries: ['GB'] } },
          }),
        );
        return dep({ application: 'uk', requirements: { jurisdiction: { euOnly: true } } })();
      },
      ['spec.requirements.jurisdiction.euOnly'],
    ],
  ])('%s', async (_name, create, expected) => {
    const got = await fieldsOf(create);
    if (expected === 'accepted') expect(got).toBe('accepted');
    else expect(got === 'accepted' ? got : [...got].sort()).toEqual([...expected].sort());
  });

  it('the message names the clash', async () => {
    await expect(app({ requirements: { jurisdiction: { euOnly: true, allowedCountries: ['GB'] } } })()).rejects.toThrow(
      /spec\.requirements\.jurisdiction\.allowedCountries\[0\]: GB is outside the EU, which spec\.requirements\.jurisdiction\.euOnly excludes/,
    );
  });

  it('status writes pass when a reference went away later; spec changes are checked again', async () => {
    await store.create(UserAreaKind, {
      apiVersion: 'continuum.eu/v1alpha1',
      kind: 'UserArea',
      metadata: { name: 'pop-up' },
      spec: { location: { country: 'DE', latitude: 50, longitude: 8 } },
    });
    const d = await store.create(
      DeploymentKind,
      deployment('default', 'pop', { application: 'shop', areas: [{ area: 'pop-up' }] }),
    );
    await store.delete(UserAreaKind, undefined, 'pop-up');
    await store.updateStatus(DeploymentKind, { ...d, status: { phase: 'Pending' } });
    const cur = (await store.get(DeploymentKind, 'default', 'pop'))!;
    expect(await fieldsOf(() => store.update(DeploymentKind, { ...cur, spec: { ...cur.spec, paused: true } }))).toEqual(
      ['spec.areas[0].area'],
    );
  });

  it.each(['examples/hello/hello.yaml', 'examples/three-tier/app.yaml', 'test/fixtures/iberia.yaml'])(
    '%s passes admission as `apply -f` sends it',
    async (file) => {
      for (const m of readManifests([join(packageRoot(), file)], 'default')) {
        const kind = kindByName(m.object.kind)!;
        await store.apply(kind, m.object);
      }
    },
  );
});

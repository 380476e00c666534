// registerKind types a kind by its schemas: typed definitions, object aliases, and narrowing of generic objects.
import { Type } from 'typebox';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AnyResource, Resource } from './meta.js';
import { API_VERSION, isObjectOf, registerKind, type AnyKindDef, type KindDef, type ObjectOf } from './registry.js';
import {
  SiteKind,
  WorkloadKind,
  type Site,
  type SiteSpec,
  type SiteStatus,
  type Workload,
  type WorkloadSpec,
} from './kinds/index.js';

const GadgetSpec = Type.Object({ size: Type.Integer(), label: Type.Optional(Type.String()) });
const GadgetStatus = Type.Object({ ready: Type.Boolean() });
const GadgetKind = registerKind({
  kind: 'RegistryTestGadget',
  plural: 'registrytestgadgets',
  singular: 'registrytestgadget',
  shortNames: [],
  namespaced: false,
  spec: GadgetSpec,
  status: GadgetStatus,
  columns: [],
  selectableFields: [],
  description: 'test only',
});

const obj = (kind: string, apiVersion = API_VERSION): AnyResource => ({
  apiVersion,
  kind,
  metadata: { name: 'x', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: 't' },
  spec: {},
});

describe('typed kinds', () => {
  it('types a kind by the static types of its schemas', () => {
    expectTypeOf(GadgetKind).toEqualTypeOf<KindDef<{ size: number; label?: string }, { ready: boolean }>>();
    expectTypeOf<ObjectOf<typeof GadgetKind>>().toEqualTypeOf<
      Resource<{ size: number; label?: string }, { ready: boolean }>
    >();
    expectTypeOf(SiteKind).toEqualTypeOf<KindDef<SiteSpec, SiteStatus>>();
    expectTypeOf<ObjectOf<typeof SiteKind>>().toEqualTypeOf<Site>();
    expectTypeOf<Workload['spec']>().toEqualTypeOf<WorkloadSpec>();
    // Typed definitions serve where any kind is accepted (registries, generic handlers).
    expectTypeOf(SiteKind).toExtend<AnyKindDef>();
    expectTypeOf<Site>().toExtend<AnyResource>();
    expectTypeOf<AnyResource['spec']>().toBeUnknown();
  });

  it.each<{ what: string; o: AnyResource; kind: AnyKindDef; is: boolean }>([
    { what: 'a Site', o: obj('Site'), kind: SiteKind, is: true },
    { what: 'a Workload', o: obj('Workload'), kind: SiteKind, is: false },
    { what: 'a Site of another API version', o: obj('Site', 'continuum.eu/v2'), kind: SiteKind, is: false },
    { what: 'a Workload', o: obj('Workload'), kind: WorkloadKind, is: true },
  ])('isObjectOf($kind.kind) is $is for $what', ({ o, kind, is }) => {
    expect(isObjectOf(kind, o)).toBe(is);
  });

  it('narrows a generic object to its kind', () => {
    const o: AnyResource = obj('Site');
    if (isObjectOf(SiteKind, o)) expectTypeOf(o).toEqualTypeOf<Site>();
    else expect.unreachable();
  });
});

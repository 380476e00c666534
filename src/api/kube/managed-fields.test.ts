// Field ownership rules of server-side apply, on plain objects.
import { describe, expect, it } from 'vitest';
import { conflictMessage, fieldsOf, fromFieldsV1, planApply, toFieldsV1 } from './managed-fields.js';

const opts = { force: false, apiVersion: 'continuum.eu/v1alpha1', now: '2026-01-01T00:00:00Z' };
const cfg = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({
  apiVersion: 'continuum.eu/v1alpha1',
  kind: 'Site',
  metadata: { name: 's', ...(labels ? { labels } : {}) },
  spec,
});

describe('managed fields', () => {
  it('encodes leaf fields as FieldsV1 and back (lists are atomic)', () => {
    const paths = fieldsOf(cfg({ capacity: { cpu: 4 }, taints: [{ key: 'a' }] }, { app: 'x' }));
    const v1 = toFieldsV1(paths);
    expect(v1).toEqual({
      'f:spec': { 'f:capacity': { 'f:cpu': {} }, 'f:taints': {} },
      'f:metadata': { 'f:labels': { 'f:app': {} } },
    });
    expect(fromFieldsV1({ ...v1, '.': {} })).toEqual(paths);
  });

  it('records the first applier, shares equal values, and reports a differing value as a conflict', () => {
    const a = planApply(undefined, cfg({ provider: 'p', capacity: { cpu: 4 } }), 'alice', opts);
    expect(a.conflicts).toEqual([]);
    expect(a.managedFields).toMatchObject([{ manager: 'alice', operation: 'Apply', fieldsType: 'FieldsV1' }]);
    const live = { ...a.object, metadata: { ...(a.object.metadata as object), managedFields: a.managedFields } };
    const same = planApply(live, cfg({ capacity: { cpu: 4 } }), 'bob', opts);
    expect(same.conflicts).toEqual([]);
    expect(same.managedFields.map((e) => e.manager)).toEqual(['alice', 'bob']);
    const clash = planApply(live, cfg({ capacity: { cpu: 8 } }), 'bob', opts);
    expect(clash.conflicts).toEqual([{ manager: 'alice', path: ['spec', 'capacity', 'cpu'] }]);
    expect(conflictMessage(clash.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "alice": .spec.capacity.cpu',
    );
    const forced = planApply(live, cfg({ capacity: { cpu: 8 } }), 'bob', { ...opts, force: true });
    expect((forced.object.spec as { capacity: { cpu: number } }).capacity.cpu).toBe(8);
    const alice = forced.managedFields.find((e) => e.manager === 'alice')!;
    expect(fromFieldsV1(alice.fieldsV1)).toEqual([['spec', 'provider']]);
  });

  it('removes fields the manager stops applying unless someone else owns them', () => {
    const a = planApply(undefined, cfg({ provider: 'p', unschedulable: true }, { x: '1', y: '2' }), 'alice', opts);
    const live = { ...a.object, metadata: { ...(a.object.metadata as object), managedFields: a.managedFields } };
    const b = planApply(live, cfg({ provider: 'p' }, { x: '1' }), 'alice', opts);
    expect(b.object.spec).toEqual({ provider: 'p' });
    expect((b.object.metadata as { labels: object }).labels).toEqual({ x: '1' });
    // Shared with bob: alice dropping it leaves it in place.
    const shared = planApply(live, cfg({ unschedulable: true }), 'bob', opts);
    const live2 = {
      ...shared.object,
      metadata: { ...(shared.object.metadata as object), managedFields: shared.managedFields },
    };
    expect(planApply(live2, cfg({ provider: 'p' }), 'alice', opts).object.spec).toEqual({
      provider: 'p',
      unschedulable: true,
    });
  });

  it('keeps the entry time when the field set is unchanged (re-applying writes nothing new)', () => {
    const a = planApply(undefined, cfg({ provider: 'p' }), 'alice', opts);
    const live = { ...a.object, metadata: { ...(a.object.metadata as object), managedFields: a.managedFields } };
    const again = planApply(live, cfg({ provider: 'p' }), 'alice', { ...opts, now: '2027-01-01T00:00:00Z' });
    expect(again.managedFields).toEqual(a.managedFields);
  });
});

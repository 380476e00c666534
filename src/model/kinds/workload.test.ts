// The Workload spec is derived from the Component schema: same run fields, same limits, plus the replica's own fields.
import { describe, expect, it } from 'vitest';
import { API_VERSION } from '../registry.js';
import { validateObject } from '../validate.js';
import { Component } from './application.js';
import { ApplicationKind, WorkloadKind } from './index.js';
import { WORKLOAD_RUN_FIELDS, WorkloadSpec } from './workload.js';

const required = (schema: { required?: readonly string[] }): readonly string[] => schema.required ?? [];
const env = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `V${i}`, value: 'x' }));
const ports = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `p${i}` }));

const workload = (spec: Record<string, unknown>) => ({
  apiVersion: API_VERSION,
  kind: 'Workload',
  metadata: { name: 'w', namespace: 'default' },
  spec: { component: 'web', artifact: { command: 'node' }, ...spec },
});
const application = (component: Record<string, unknown>) => ({
  apiVersion: API_VERSION,
  kind: 'Application',
  metadata: { name: 'a', namespace: 'default' },
  spec: { components: [{ name: 'web', artifact: { command: 'node' }, ...component }] },
});

describe('Workload spec derived from Component', () => {
  it.each(WORKLOAD_RUN_FIELDS)('takes %s from the Component schema unchanged', (field) => {
    expect(WorkloadSpec.properties[field]).toEqual(Component.properties[field]);
    expect(required(WorkloadSpec).includes(field)).toBe(required(Component).includes(field));
  });

  // One row per run-field limit: the same value is accepted or refused by both kinds, at the same field path.
  it.each([
    { what: 'env at the limit', fields: { env: env(256) }, ok: true },
    { what: 'env over the limit', fields: { env: env(257) }, ok: false, path: 'env' },
    { what: 'ports at the limit', fields: { ports: ports(16) }, ok: true },
    { what: 'ports over the limit', fields: { ports: ports(17) }, ok: false, path: 'ports' },
    { what: 'an unknown restart policy', fields: { restartPolicy: 'Sometimes' }, ok: false, path: 'restartPolicy' },
    { what: 'a health check path without /', fields: { healthCheck: { http: { path: 'x' } } }, ok: false },
  ])('Application and Workload agree on $what', ({ fields, ok, path }) => {
    const wl = validateObject(WorkloadKind, workload(fields));
    const app = validateObject(ApplicationKind, application(fields));
    expect(wl.length === 0).toBe(ok);
    expect(app.length === 0).toBe(ok);
    if (path) {
      expect(wl.map((e) => e.field)).toContain(`spec.${path}`);
      expect(app.map((e) => e.field)).toContain(`spec.components[0].${path}`);
    }
  });

  it.each([
    { field: 'siteName', value: 'edge-1' },
    { field: 'deployment', value: 'shop' },
    { field: 'replica', value: 2 },
    { field: 'tolerations', value: [{ key: 'k', operator: 'Exists' }] },
    { field: 'terminationGracePeriodSeconds', value: 5 },
  ])('keeps the replica-only field $field', ({ field, value }) => {
    expect(validateObject(WorkloadKind, workload({ [field]: value }))).toEqual([]);
  });

  it('refuses Component-only fields on a Workload', () => {
    expect(validateObject(WorkloadKind, workload({ replicas: 2 })).map((e) => e.field)).toEqual(['spec.replicas']);
  });
});

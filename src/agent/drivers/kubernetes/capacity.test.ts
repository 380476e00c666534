// Cluster capacity: ready, schedulable nodes only; it becomes the site's unless spec.allocatable caps it.
import { describe, expect, it } from 'vitest';
import { allocatableOf } from '../../site-status.js';
import { clusterAllocatable } from './capacity.js';
import type { KubeObject } from './render.js';

const node = (
  name: string,
  cpu: string,
  memory: string,
  o: { ready?: boolean; cordoned?: boolean; gpu?: string } = {},
) =>
  ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: o.cordoned ? { unschedulable: true } : {},
    status: {
      allocatable: { cpu, memory, pods: '110', ...(o.gpu ? { 'nvidia.com/gpu': o.gpu } : {}) },
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  }) as unknown as KubeObject;

describe('cluster capacity', () => {
  it('sums ready, schedulable nodes (Kubernetes quantities), leaving out not-ready and cordoned ones', () => {
    const nodes = [
      node('a', '3920m', '16331212Ki', { gpu: '2' }),
      node('b', '4', '8Gi'),
      node('down', '64', '256Gi', { ready: false }),
      node('cordoned', '64', '256Gi', { cordoned: true }),
    ];
    expect(clusterAllocatable(nodes)).toEqual({ cpu: '7920m', memory: `${15949 + 8192}Mi`, gpu: 2 });
    expect(clusterAllocatable([])).toEqual({ cpu: '0', memory: '0Mi' });
  });

  it("becomes the site's allocatable over the declared capacity; a declared spec.allocatable still wins", () => {
    const measured = { cpu: '7920m', memory: '24141Mi' };
    expect(allocatableOf({ capacity: { cpu: 2, memory: '4Gi' } }, measured)).toEqual(measured);
    expect(allocatableOf({ capacity: { cpu: 2 }, allocatable: { cpu: 1 } }, measured)).toEqual({
      cpu: 1,
      memory: '24141Mi',
    });
  });
});

// Test helper: a snapshot of the bundled European topology with every site Ready and nothing running.
import { loadTopology } from '../../topology/index.js';
import { buildSnapshot } from '../build-snapshot.js';
import type { Snapshot } from '../types.js';

const READY = { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] };

/** The bundled topology as the controller would see it with all agents up and an empty continuum. */
export function bundledSnapshot(): Snapshot {
  const topo = loadTopology();
  return buildSnapshot({
    sites: topo.sites.map((s) => ({ ...s, status: READY })) as never,
    providers: topo.providers as never,
    areas: topo.areas as never,
    workloads: [],
    now: '2026-01-01T00:00:00Z',
  });
}

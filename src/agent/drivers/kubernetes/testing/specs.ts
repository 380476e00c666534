// Test support: RunSpecs for the kubernetes driver tests.
import type { RunSpec } from '../../driver.js';

/** A RunSpec with sensible defaults for `id`, overridden by `over`. */
export function runSpec(id: string, over: Partial<RunSpec> = {}): RunSpec {
  return {
    id,
    uid: `uid-${id.replace(/\W/g, '-')}`,
    generation: 1,
    runtime: 'kubernetes',
    artifact: { image: 'localhost/continuum/driver-fixtures:test', command: '/bin/node', args: ['/fixtures/x.mjs'] },
    ports: [],
    env: [],
    resources: {},
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 5,
    ...over,
  };
}

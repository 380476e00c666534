// Process driver tests: the shared conformance suite, then process-specific behaviour.
import { describeDriverConformance } from '../conformance.js';
import { nodeFixture } from '../testing/fixtures.js';
import { createProcessDriver } from './driver.js';

const fast = { backoff: { baseMs: 20, maxMs: 1000, resetAfterMs: 5000 }, pollIntervalMs: 50, readyAfterMs: 150, logPollMs: 25 };

describeDriverConformance('process', (stateDir) => createProcessDriver({ stateDir, ...fast }), { artifact: (f) => nodeFixture(f) });

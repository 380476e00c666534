// The function driver runs the shared driver conformance suite, each fixture being a function module.
import { describeDriverConformance } from '../conformance.js';
import type { FixtureName } from '../testing/fixtures.js';
import { functionDriver } from './index.js';
import { fnFixture, FN_FIXTURE_DIR } from './testing/fixtures.js';

describeDriverConformance(functionDriver, {
  artifact: (f: FixtureName) => fnFixture(f as 'http-server'),
  options: {
    backoff: { baseMs: 20, maxMs: 1000, resetAfterMs: 5000 },
    pollIntervalMs: 50,
    logPollMs: 25,
    readOnlyPaths: [FN_FIXTURE_DIR],
  },
  // RunState.pid is the host pid of the serving instance's sandbox, not the pid the handler sees.
  hostPids: false,
  // The front lives in the agent: functions are deployed again (cold) after an agent restart, not adopted.
  adoption: false,
});

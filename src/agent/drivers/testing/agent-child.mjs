// Test fixture: a stand-in agent process — a process driver on argv[2] ensures the RunSpec in argv[3], prints "ready <pid>", runs until killed.
import { createProcessDriver } from '../process/driver.js';
import { FIXTURE_DIR } from './fixtures.js';

const [stateDir, specJson] = process.argv.slice(2);
const spec = JSON.parse(specJson);
const driver = await createProcessDriver({ stateDir, readyAfterMs: 100, readOnlyPaths: [FIXTURE_DIR] });
await driver.ensure(spec);
const timer = setInterval(() => {
  const s = driver.get(spec.id);
  if (s?.ready) {
    console.log(`ready ${s.pid}`);
    clearInterval(timer);
  }
}, 20);
setInterval(() => {}, 1000);

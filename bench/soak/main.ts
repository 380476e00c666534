// `npm run soak [-- --duration 600 --clients 200]`: runs the soak and prints its figures (see BENCHMARKS.md).
import { parseArgs } from 'node:util';
import { killAll, runSoak } from './soak.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    clients: { type: 'string', default: '200' },
    watchers: { type: 'string', default: '20' },
    unplaceable: { type: 'string', default: '10' },
    'agent-kill': { type: 'string', default: '20' },
    'cp-kill': { type: 'string', default: '120' },
    'think-ms': { type: 'string', default: '1000' },
  },
});
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
const n = (k: keyof typeof values): number => Number(values[k]);
const r = await runSoak({
  durationS: n('duration'),
  clients: n('clients'),
  watchers: n('watchers'),
  unplaceable: n('unplaceable'),
  agentKillS: n('agent-kill'),
  cpKillS: n('cp-kill'),
  thinkMs: n('think-ms'),
  log: (l) => process.stderr.write(`${l}\n`),
});
const rss = r.rssMiB.map((x) => `${x.t}s:${x.rss}`).join(' ');
process.stdout.write(
  [
    `soak ${r.durationS} s: ${r.requests} requests, ${r.acknowledgedWrites} acknowledged writes, ${r.watchEvents} watch events`,
    `API latency outside restarts: p50 ${r.api.p50} ms, p99 ${r.api.p99} ms`,
    `/healthz p99 outside restarts: ${r.healthz.p99} ms (${r.healthz.samples} samples)`,
    `5xx outside restart windows: ${r.fiveXxOutside}; inside: ${r.fiveXxInside}; transport errors outside: ${r.errorsOutside}`,
    `lost acknowledged writes: ${r.lostWrites} (unverified: ${r.unverified}); duplicate workloads: ${r.duplicateWorkloads}`,
    `running Deployment at the end: ${r.steadyRunning}/2 replicas running; orphan workload processes: ${r.orphanProcesses}`,
    `restarts: control plane ${r.cpRestarts}, agent ${r.agentRestarts} (failed agent starts: ${r.agentStartFailures})`,
    `RSS (MiB) over time: ${rss}`,
    `idle write rate: ${r.idleWritesPerS} writes/s; setup requests failed: ${r.setupFailures}`,
    '',
  ].join('\n'),
);

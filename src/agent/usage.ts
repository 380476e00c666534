// Metering at the site: samples each workload's process tree (CPU seconds, resident memory) and sends usage
// records in batches; records wait in a bounded buffer while the control plane is unreachable.
import { usagePath, type ContinuumClient } from '../client/index.js';
import type { Logger } from '../lib/index.js';
import type { Workload } from '../model/index.js';
import type { RunState } from './drivers/driver.js';
import { parentsOf, procUsage } from './metrics.js';

/** One record as the ingest route takes it (src/management/usage/records.ts). */
export interface UsageRecordWire {
  site: string;
  namespace: string;
  workload: string;
  deployment: string;
  component: string;
  start: number;
  end: number;
  cpuSeconds: number;
  memoryByteSeconds: number;
  storageByteSeconds: number;
  egressBytes: number;
  invocations: number;
  energyKWh: number;
}

const COLUMNS: ReadonlyArray<keyof UsageRecordWire> = [
  'site',
  'namespace',
  'workload',
  'deployment',
  'component',
  'start',
  'end',
  'cpuSeconds',
  'memoryByteSeconds',
  'storageByteSeconds',
  'egressBytes',
  'invocations',
  'energyKWh',
];

/** The columnar batch body: field names once, then one array of values per record (half the bytes of objects). */
export const columnar = (rs: readonly UsageRecordWire[]): { columns: readonly string[]; rows: unknown[][] } => ({
  columns: COLUMNS,
  rows: rs.map((r) => COLUMNS.map((c) => r[c])),
});

export interface UsageReporterOptions {
  site: string;
  list: () => RunState[];
  workload: (id: string) => Workload | undefined;
  api: () => ContinuumClient;
  /** Milliseconds since the epoch the records are stamped with (tests accelerate it). */
  now?: () => number;
  /** Records kept while offline (oldest dropped beyond it, with a warning). Default 100 000. */
  maxBuffer?: number;
  /** Records per request (default 5000). */
  batch?: number;
  log?: Logger;
}

/** Where one workload's process was at the last sample. */
interface Mark {
  pid: number;
  cpuSeconds: number;
  at: number;
}

export class UsageReporter {
  private readonly marks = new Map<string, Mark>();
  private buffer: UsageRecordWire[] = [];
  private dropped = 0;
  private sending = false;
  private readonly now: () => number;

  constructor(private readonly o: UsageReporterOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Records waiting to be sent. */
  get backlog(): number {
    return this.buffer.length;
  }

  /**
   * One sample: for every running workload, the CPU seconds since the last sample (all of them for a new
   * process: its counter starts at 0) and resident memory × elapsed time. A workload seen for the first time
   * only sets its mark (its usage before that sample is not metered). Returns how many records it made.
   */
  sample(): number {
    const at = this.now();
    const children = parentsOf();
    const seen = new Set<string>();
    let n = 0;
    for (const s of this.o.list()) {
      if (!s.pid || (s.phase !== 'Running' && s.phase !== 'Starting')) continue;
      const w = this.o.workload(s.id);
      const u = procUsage(s.pid, children);
      if (!w || !u) continue;
      seen.add(s.id);
      const prev = this.marks.get(s.id);
      this.marks.set(s.id, { pid: s.pid, cpuSeconds: u.cpuSeconds, at });
      if (!prev) continue;
      const cpu = prev.pid === s.pid ? Math.max(0, u.cpuSeconds - prev.cpuSeconds) : u.cpuSeconds;
      const seconds = (at - prev.at) / 1000;
      if (seconds <= 0) continue;
      this.push({
        site: this.o.site,
        namespace: w.metadata.namespace ?? 'default',
        workload: w.metadata.name,
        deployment: w.spec.deployment ?? '',
        component: w.spec.component ?? '',
        start: prev.at,
        end: at,
        cpuSeconds: cpu,
        memoryByteSeconds: u.rssBytes * seconds,
        storageByteSeconds: 0,
        egressBytes: 0,
        invocations: 0,
        energyKWh: 0,
      });
      n++;
    }
    for (const id of this.marks.keys()) if (!seen.has(id)) this.marks.delete(id);
    return n;
  }

  private push(r: UsageRecordWire): void {
    this.buffer.push(r);
    const max = this.o.maxBuffer ?? 100_000;
    if (this.buffer.length > max) {
      this.dropped += this.buffer.length - max;
      this.buffer = this.buffer.slice(this.buffer.length - max);
      this.o.log?.warn(`usage buffer full: ${this.dropped} oldest record(s) dropped while offline`);
    }
  }

  /** Sends buffered records in batches; a failed batch stays buffered for the next flush. */
  async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      const size = this.o.batch ?? 5000;
      while (this.buffer.length) {
        const batch = this.buffer.slice(0, size);
        await this.o.api().http.json('POST', usagePath(this.o.site), columnar(batch));
        this.buffer = this.buffer.slice(batch.length);
      }
    } finally {
      this.sending = false;
    }
  }
}

// An in-memory RuntimeDriver and registration for tests of what sits above drivers (routing, detection, status).
import { ApiError } from '../../../model/errors.js';
import type { RuntimeKind } from '../../../model/index.js';
import type { LogOptions, RunSpec, RunState, RuntimeDriver } from '../driver.js';
import type { Detection, DriverCreateOptions, DriverRegistration } from '../registration.js';

/**
 * Runs nothing: an ensured workload is Running and ready at once (ports 40000, 40001, ...), `remove` reports
 * a final Terminated state. `ensured` records every spec it accepted; `refuse` makes ensure throw Invalid.
 */
export class FakeDriver implements RuntimeDriver {
  readonly ensured: RunSpec[] = [];
  readonly removed: string[] = [];
  refuse?: string;
  closed?: { detach: boolean };
  private readonly runs = new Map<string, RunState>();
  private readonly listeners = new Set<(s: RunState) => void>();

  constructor(
    readonly name: string,
    /** Workloads "adopted" at creation. */
    adopted: RunState[] = [],
  ) {
    for (const s of adopted) this.runs.set(s.id, s);
  }

  private emit(s: RunState): void {
    for (const l of this.listeners) l(s);
  }

  async ensure(spec: RunSpec): Promise<RunState> {
    const cur = this.runs.get(spec.id);
    if (cur && cur.uid === spec.uid && cur.generation === spec.generation) return cur;
    if (this.refuse) throw new ApiError('Invalid', this.refuse);
    this.ensured.push(spec);
    const state = fakeState(spec.id, {
      uid: spec.uid,
      generation: spec.generation,
      ports: Object.fromEntries(spec.ports.map((p, i) => [p.name, 40000 + i])),
    });
    this.runs.set(spec.id, state);
    this.emit(state);
    return state;
  }

  async remove(id: string): Promise<void> {
    const cur = this.runs.get(id);
    if (!cur) return;
    this.runs.delete(id);
    this.removed.push(id);
    this.emit({ ...cur, phase: 'Terminated', ready: false, exitCode: 0 });
  }

  get(id: string): RunState | undefined {
    return this.runs.get(id);
  }

  list(): RunState[] {
    return [...this.runs.values()];
  }

  onChange(listener: (state: RunState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async *logs(id: string, _opts?: LogOptions): AsyncGenerator<string> {
    if (!this.runs.has(id)) throw new ApiError('NotFound', `workload ${id} is not known to this agent`);
    yield `${this.name} log of ${id}\n`;
  }

  async close(opts: { detach: boolean }): Promise<void> {
    this.closed = opts;
  }
}

/** A Running, ready state of workload `id` on the fake host. */
export function fakeState(id: string, over: Partial<RunState> = {}): RunState {
  return {
    id,
    uid: `uid-${id}`,
    generation: 1,
    phase: 'Running',
    ready: true,
    host: '127.0.0.1',
    ports: {},
    restarts: 0,
    limits: { cpu: false, memory: false, reason: 'fake driver' },
    ...over,
  };
}

/** A registration whose detect answers `detection` and whose create returns (and records) FakeDrivers. */
export function fakeRegistration(
  kind: RuntimeKind,
  detection: Detection | (() => Promise<Detection>),
): DriverRegistration & { created: FakeDriver[]; createdWith: DriverCreateOptions[] } {
  const created: FakeDriver[] = [];
  const createdWith: DriverCreateOptions[] = [];
  return {
    kind,
    created,
    createdWith,
    detect: typeof detection === 'function' ? detection : async () => detection,
    create: async (opts) => {
      const d = new FakeDriver(kind);
      created.push(d);
      createdWith.push(opts);
      return d;
    },
  };
}

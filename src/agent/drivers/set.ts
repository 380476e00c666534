// The drivers of one agent behind the RuntimeDriver interface: each workload goes to the driver of its runtime kind.
import { ApiError } from '../../model/errors.js';
import type { Resources, RuntimeKind } from '../../model/index.js';
import type { LogOptions, RunSpec, RunState, RuntimeDriver } from './driver.js';

/** Thrown by `DriverSet.ensure` for a workload whose runtime this agent does not offer. */
export class RuntimeUnavailableError extends ApiError {
  constructor(
    readonly runtime: RuntimeKind,
    detail: string,
  ) {
    super('Unavailable', detail);
  }
}

/**
 * Routes by runtime kind. Invariants: every workload id has at most one owner (the driver of its latest
 * ensured runtime, or the driver that adopted it); `get`, `list`, `logs` and `onChange` show the owner's
 * view only, so a run being retired by another driver never reaches status; a spec whose runtime has no
 * driver here is refused with RuntimeUnavailableError and never run by another driver.
 */
export class DriverSet implements RuntimeDriver {
  /** Kinds joined by "," in registration order, "none" without any (status.agent.driver). */
  readonly name: string;
  private readonly drivers: ReadonlyMap<RuntimeKind, RuntimeDriver>;
  private readonly owner = new Map<string, RuntimeKind>();
  private readonly listeners = new Set<(s: RunState) => void>();

  /**
   * `drivers`: the started drivers by kind. `unavailable(kind)` words why a kind is not offered (for the
   * refusal message). Workloads several drivers adopted (an agent died mid-switch) belong to the first.
   */
  constructor(
    drivers: ReadonlyMap<RuntimeKind, RuntimeDriver>,
    private readonly unavailable: (kind: RuntimeKind) => string,
  ) {
    this.drivers = drivers;
    this.name = [...drivers.keys()].join(',') || 'none';
    for (const [kind, d] of drivers) {
      for (const s of d.list()) if (!this.owner.has(s.id)) this.owner.set(s.id, kind);
      d.onChange((s) => {
        if (this.owner.get(s.id) === kind) for (const l of this.listeners) l(s);
      });
    }
  }

  /** Runtime kinds with a driver here. */
  get kinds(): RuntimeKind[] {
    return [...this.drivers.keys()];
  }

  /** The driver of one kind (undefined when this agent does not offer it). */
  driver(kind: RuntimeKind): RuntimeDriver | undefined {
    return this.drivers.get(kind);
  }

  /**
   * Ensures on the driver of `spec.runtime`. When another driver ran the workload before (its runtime
   * changed), that run is removed once the new one started; if the new driver refuses the spec, the
   * old run is left alone, as a driver does for an unusable spec.
   */
  async ensure(spec: RunSpec): Promise<RunState> {
    const target = this.drivers.get(spec.runtime);
    if (!target) throw new RuntimeUnavailableError(spec.runtime, this.unavailable(spec.runtime));
    const before = this.owner.get(spec.id);
    this.owner.set(spec.id, spec.runtime);
    let state: RunState;
    try {
      state = await target.ensure(spec);
    } catch (e) {
      // Refused: the target keeps what it ran before, if anything; otherwise the previous owner stays.
      if (!target.get(spec.id)) {
        if (before === undefined) this.owner.delete(spec.id);
        else this.owner.set(spec.id, before);
      }
      throw e;
    }
    await Promise.all(
      [...this.drivers].filter(([k, d]) => k !== spec.runtime && d.get(spec.id)).map(([, d]) => d.remove(spec.id)),
    );
    return state;
  }

  /** Removes the workload from every driver that has it (the owner's final state is reported). */
  async remove(id: string, graceSeconds?: number): Promise<void> {
    await Promise.all([...this.drivers.values()].map((d) => d.remove(id, graceSeconds)));
    this.owner.delete(id);
  }

  private ownerOf(id: string): RuntimeDriver | undefined {
    const kind = this.owner.get(id);
    return kind === undefined ? undefined : this.drivers.get(kind);
  }

  get(id: string): RunState | undefined {
    return this.ownerOf(id)?.get(id);
  }

  list(): RunState[] {
    const out: RunState[] = [];
    for (const [kind, d] of this.drivers) for (const s of d.list()) if (this.owner.get(s.id) === kind) out.push(s);
    return out;
  }

  onChange(listener: (state: RunState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async *logs(id: string, opts?: LogOptions): AsyncGenerator<string> {
    const d = this.ownerOf(id);
    if (!d) throw new ApiError('NotFound', `workload ${id} is not known to this agent`);
    yield* d.logs(id, opts);
  }

  /** The first capacity a driver measures (a cluster-backed site's), undefined when none does. */
  allocatable(): Resources | undefined {
    for (const d of this.drivers.values()) {
      const r = d.allocatable?.();
      if (r) return r;
    }
    return undefined;
  }

  async close(opts: { detach: boolean }): Promise<void> {
    await Promise.allSettled([...this.drivers.values()].map((d) => d.close(opts)));
    this.listeners.clear();
  }
}

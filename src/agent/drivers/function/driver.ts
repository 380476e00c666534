// The function runtime driver: JavaScript handlers behind an in-agent front, run as confined process instances.
import { join, resolve } from 'node:path';
import { ApiError } from '../../../model/errors.js';
import type { LogOptions, RunSpec, RunState, RuntimeDriver } from '../driver.js';
import { allocatePorts, createProcessDriver, type ProcessDriver, type ProcessDriverOptions } from '../process/index.js';
import { KeyedLock, StateNotifier } from '../serial.js';
import { Front } from './front.js';
import { FunctionRun, HOST_DIR, type StartStats } from './run.js';
import { planFunction } from './settings.js';
import { DEFAULT_BROKERS, Triggers, type BrokerOptions } from './triggers.js';

/** Process-driver options (confinement, uid range, back-off, ...) for the instances, plus the site's brokers. */
export interface FunctionDriverOptions extends ProcessDriverOptions, Partial<BrokerOptions> {}

interface Deployed {
  run: FunctionRun;
  front: Front;
  triggers: Triggers;
}

/**
 * Creates the function driver on `opts.stateDir`. Instances are workloads of a process driver on
 * `<stateDir>/instances` (same sandbox, uids and cgroups as the process runtime, ADR 0010). Functions are not
 * adopted across agent restarts: whatever instances a previous agent left are stopped, and the agent's next
 * ensure() deploys each function again (they are stateless and start cold anyway).
 */
export async function createFunctionDriver(opts: FunctionDriverOptions): Promise<FunctionDriver> {
  const inner = await createProcessDriver({
    ...opts,
    stateDir: join(opts.stateDir, 'instances'),
    readOnlyPaths: [...(opts.readOnlyPaths ?? []), HOST_DIR],
    hiddenPaths: [...(opts.hiddenPaths ?? []), resolve(opts.stateDir)],
  });
  await Promise.all(inner.list().map((s) => inner.remove(s.id, 1)));
  return new FunctionDriver(opts, inner);
}

export class FunctionDriver implements RuntimeDriver {
  readonly name = 'function';
  private readonly runs = new Map<string, Deployed>();
  private readonly notifier: StateNotifier;
  private readonly locks = new KeyedLock();
  private readonly taken = new Set<number>();
  private readonly host: string;
  private readonly brokers: BrokerOptions;
  private readonly warn: (m: string) => void;
  private closed = false;

  constructor(
    opts: FunctionDriverOptions,
    private readonly inner: ProcessDriver,
  ) {
    this.host = opts.host ?? '127.0.0.1';
    this.warn = opts.onWarning ?? (() => {});
    this.notifier = new StateNotifier(this.warn);
    this.brokers = {
      mqttUrl: opts.mqttUrl ?? DEFAULT_BROKERS.mqttUrl,
      natsUrl: opts.natsUrl ?? DEFAULT_BROKERS.natsUrl,
    };
    inner.onChange((s) => {
      const d = this.runs.get(s.id.slice(0, s.id.lastIndexOf('#')));
      if (!d || d.run.spec.uid !== s.uid || d.run.spec.generation !== s.generation) return;
      d.run.observe(s);
      this.notifier.notify(d.run.state());
    });
  }

  private validate(spec: RunSpec): ReturnType<typeof planFunction> {
    if (this.closed) throw new ApiError('Unavailable', 'function driver is closed');
    if (spec.runtime !== 'function')
      throw new ApiError('Invalid', `function driver cannot run runtime ${spec.runtime}`);
    const names = spec.ports.map((p) => p.name);
    if (new Set(names).size !== names.length)
      throw new ApiError('Invalid', `workload ${spec.id}: duplicate port names`);
    return planFunction(spec);
  }

  ensure(spec: RunSpec): Promise<RunState> {
    return this.locks.run(spec.id, async () => {
      const existing = this.runs.get(spec.id);
      if (existing && existing.run.spec.uid === spec.uid && existing.run.spec.generation === spec.generation)
        return existing.run.state();
      const plan = this.validate(spec);
      let previous: Record<string, number> = {};
      if (existing) {
        previous = existing.run.ports;
        this.notifier.notify(await this.undeploy(existing, undefined, `replaced by generation ${spec.generation}`));
      }
      const ports = await allocatePorts(this.host, spec.ports, this.taken, previous);
      const run = new FunctionRun(spec, plan, ports, {
        inner: this.inner,
        host: this.host,
        changed: (r) => this.notifier.notify(r.state()),
        warn: this.warn,
      });
      const d: Deployed = { run, front: new Front(run), triggers: new Triggers(run, this.brokers, this.warn) };
      this.runs.set(spec.id, d);
      try {
        await d.front.listen(this.host);
      } catch (e) {
        this.runs.delete(spec.id);
        await this.undeploy(d, 0, 'front failed');
        throw new ApiError('Unavailable', `function ${spec.id}: cannot listen: ${(e as Error).message}`);
      }
      d.triggers.open();
      // One instance at deploy: a module that does not load shows at once, not at the first user's call;
      // it is stopped like any other after the idle period.
      await run.startInstance().started;
      const s = run.state();
      this.notifier.notify(s);
      return s;
    });
  }

  private async undeploy(d: Deployed, graceSeconds: number | undefined, message: string): Promise<RunState> {
    await Promise.all([d.front.close(), d.triggers.close()]);
    const final = await d.run.stop(graceSeconds, message);
    for (const p of Object.values(d.run.ports)) this.taken.delete(p);
    return final;
  }

  remove(id: string, graceSeconds?: number): Promise<void> {
    return this.locks.run(id, async () => {
      const d = this.runs.get(id);
      if (!d) return;
      const final = await this.undeploy(d, graceSeconds, 'removed');
      this.runs.delete(id);
      this.notifier.notify(final);
      this.notifier.forget(id);
    });
  }

  get(id: string): RunState | undefined {
    return this.runs.get(id)?.run.state();
  }

  list(): RunState[] {
    return [...this.runs.values()].map((d) => d.run.state());
  }

  /** Cold start durations, call and scale-to-zero counts of a function (undefined when unknown). */
  stats(id: string): StartStats | undefined {
    return this.runs.get(id)?.run.stats;
  }

  /** Instances of a function running now. */
  instances(id: string): number {
    return [...(this.runs.get(id)?.run.instances.values() ?? [])].filter((i) => !i.stopping).length;
  }

  onChange(listener: (state: RunState) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  /**
   * The last lines of the function's stopped instances, then its primary instance's log (followed with
   * `follow`); `previous` is the primary instance's run before its last restart.
   */
  async *logs(id: string, opts: LogOptions = {}): AsyncGenerator<string> {
    const d = this.runs.get(id);
    if (!d) throw new ApiError('NotFound', `workload ${id} is not known to this agent`);
    const prim = d.run.logInstance();
    if (opts.previous || (opts.follow && opts.tail !== undefined)) {
      if (prim) yield* this.inner.logs(prim.innerId, opts);
      return;
    }
    const before = [...d.run.archived];
    const live: string[] = [];
    if (prim && !opts.follow) for await (const l of this.inner.logs(prim.innerId)) live.push(l);
    // The instance may have been stopped meanwhile, its lines moved to `archived`: then those are the log.
    const all = prim?.logsKept ? [...d.run.archived] : [...before, ...live];
    yield* opts.tail !== undefined ? all.slice(Math.max(0, all.length - opts.tail)) : all;
    if (prim && opts.follow) yield* this.inner.logs(prim.innerId, opts);
  }

  async close(_opts: { detach: boolean }): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.locks.idle();
    const finals = await Promise.all(
      [...this.runs.values()].map((d) => this.undeploy(d, undefined, 'agent shut down')),
    );
    for (const f of finals) this.notifier.notify(f);
    this.runs.clear();
    this.notifier.clear();
    await this.inner.close({ detach: false });
  }
}

// The container runtime driver: each workload is a confined podman container that outlives the agent and is re-adopted.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sleep } from '../../../lib/index.js';
import { ApiError } from '../../../model/errors.js';
import type { DriverOptions, LogOptions, RunSpec, RunState, RuntimeDriver } from '../driver.js';
import { KeyedLock, StateNotifier } from '../serial.js';
import { DEFAULT_BACKOFF, type BackoffConfig } from '../process/policy.js';
import { allocatePorts } from '../process/ports.js';
import { lockStateDir, sanitiseId } from '../process/state.js';
import { createArgs, LABEL, type LabelledSpec } from './args.js';
import { loopbackPorts } from './forward.js';
import { readContainerLog } from './logs.js';
import { Podman, podmanHome, type PodmanEvent } from './podman.js';
import { limitsOf, paths, type PsEntry } from './layout.js';
import { UidBlocks } from './uids.js';
import { ContainerWorkload, type WorkloadContext, type WorkloadProgress } from './workload.js';

export interface ContainerDriverOptions extends DriverOptions {
  /** Directory of the podman home (storage, run dir, containers.conf); default `<stateDir>/podman`. */
  podmanHome?: string;
  /** Host-wide registry of user-namespace id blocks (default /run/continuum/userns). */
  uidRegistryDir?: string;
  /** podman binary (default `podman` on PATH). */
  podmanBinary?: string;
  /** Restart back-off (default 100 ms doubling to 10 s, reset after 10 s up). */
  backoff?: Partial<BackoffConfig>;
  /** Without a health check, a container up this long counts as ready (default 200 ms). */
  readyAfterMs?: number;
  /** Most processes per container (default 512). */
  pidsLimit?: number;
  /** Follow-mode polling interval of logs() (default 100 ms). */
  logPollMs?: number;
  onWarning?: (message: string) => void;
  /**
   * Host loopback ports of the workloads of `namespace` on this agent (any runtime): the only ones a container
   * of that namespace may call, forwarded into its network namespace when its env names them. Default: the ports
   * of this driver's own workloads of the namespace.
   */
  peerPorts?: (namespace: string) => Iterable<number>;
}

export const DEFAULT_UID_REGISTRY = '/run/continuum/userns';
const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024;

export async function createContainerDriver(opts: ContainerDriverOptions): Promise<ContainerDriver> {
  const d = new ContainerDriver(opts);
  try {
    await d.adoptAll();
  } catch (e) {
    await d.close({ detach: true });
    throw e;
  }
  return d;
}

export class ContainerDriver implements RuntimeDriver {
  readonly name = 'container';
  readonly podman: Podman;
  /** Tells this driver's containers apart from other drivers' in a shared podman home. */
  readonly key: string;
  private readonly stateDir: string;
  private readonly host: string;
  private readonly ctx: WorkloadContext;
  private readonly uids: UidBlocks;
  private readonly loads = new Map<string, ContainerWorkload>();
  private readonly byName = new Map<string, ContainerWorkload>();
  /** Images (by digest) found in the store. */
  private readonly images = new Set<string>();
  private readonly notifier = new StateNotifier((m) => this.warn(m));
  private readonly takenPorts = new Set<number>();
  private readonly locks = new KeyedLock();
  /** Stops the podman event stream; the stream runs only while the driver has workloads. */
  private stopEvents: (() => void) | undefined;
  private readonly unlock: () => void;
  private readonly warn: (m: string) => void;
  private closed = false;
  /** Whether the podman home exists (created on the first ensure). */
  private homeReady: boolean;

  constructor(private readonly opts: ContainerDriverOptions) {
    this.stateDir = resolve(opts.stateDir);
    this.unlock = lockStateDir(this.stateDir);
    this.key = createHash('sha256').update(this.stateDir).digest('hex').slice(0, 12);
    this.host = opts.host ?? '127.0.0.1';
    this.warn = opts.onWarning ?? (() => {});
    // The home is created on the first workload: an agent that never runs a container leaves nothing on disk.
    const home = podmanHome(opts.podmanHome ?? join(this.stateDir, 'podman'), { create: false });
    this.homeReady = existsSync(home.root);
    this.podman = new Podman(home, opts.podmanBinary);
    this.uids = new UidBlocks(opts.uidRegistryDir ?? DEFAULT_UID_REGISTRY);
    const now = opts.now ?? (() => new Date());
    this.ctx = {
      podman: this.podman,
      host: this.host,
      nowMs: () => now().getTime(),
      backoff: { ...DEFAULT_BACKOFF, ...opts.backoff },
      readyAfterMs: opts.readyAfterMs ?? 200,
      changed: (w) => this.emit(w),
      peerPorts: (spec) => this.allowedPeers(spec),
      warn: (m) => this.warn(m),
    };
    for (const d of ['workloads', 'progress']) mkdirSync(join(this.stateDir, d), { recursive: true, mode: 0o700 });
    chmodSync(this.stateDir, 0o700);
  }

  /** Starts or stops the event stream: one `podman events` process while there is something to watch. */
  private watchEvents(): void {
    if (this.loads.size > 0 && !this.stopEvents && !this.closed) {
      this.stopEvents = this.podman.events(
        `${LABEL.driver}=${this.key}`,
        (e) => this.onEvent(e),
        () => void this.reconcile(),
      );
      // A container that died before the stream was listening is caught by a reconcile shortly after.
      const t = setTimeout(() => void this.reconcile(), 1000);
      t.unref();
    } else if ((this.loads.size === 0 || this.closed) && this.stopEvents) {
      this.stopEvents();
      this.stopEvents = undefined;
    }
  }

  private onEvent(e: PodmanEvent): void {
    if (e.Status !== 'died') return;
    // podman omits a zero exit code from the event's JSON (Go's omitempty).
    this.byName.get(e.Name)?.died(e.ContainerExitCode ?? 0);
  }

  private async listOwn(): Promise<PsEntry[]> {
    const out = await this.podman.ok(['ps', '-a', '--format', 'json', '--filter', `label=${LABEL.driver}=${this.key}`]);
    return JSON.parse(out || '[]') as PsEntry[];
  }

  /** Every container in the podman home (of any driver). */
  private async listAll(): Promise<PsEntry[]> {
    const r = await this.podman.exec(['ps', '-a', '--format', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout || '[]') as PsEntry[]) : [{ Id: '?', Names: [], State: 'unknown' }];
  }

  /** Catches deaths a restarted event stream may have missed. */
  private async reconcile(): Promise<void> {
    if (this.closed) return;
    for (const c of await this.listOwn().catch(() => [])) {
      if (c.State !== 'running') this.byName.get(c.Names[0] ?? '')?.died(c.ExitCode);
    }
  }

  private progressFile = (id: string): string => paths(this.stateDir, id).progress;
  private workDir = (id: string): string => paths(this.stateDir, id).work;
  private logPath = (id: string): string => paths(this.stateDir, id).log;

  /** Re-attaches to every container of this driver; a container without readable labels is removed. */
  async adoptAll(): Promise<void> {
    if (!this.homeReady) return; // no storage yet: nothing can be running
    for (const c of await this.listOwn()) {
      const l = c.Labels ?? {};
      let spec: LabelledSpec;
      let ports: Record<string, number>;
      try {
        spec = JSON.parse(l[LABEL.spec] ?? '') as LabelledSpec;
        ports = JSON.parse(l[LABEL.ports] ?? '') as Record<string, number>;
      } catch {
        this.warn(`removing container ${c.Names[0] ?? c.Id}: unreadable labels`);
        await this.podman.exec(['rm', '-f', '-t', '0', c.Id]);
        continue;
      }
      const uidBase = Number(l[LABEL.uidBase]);
      this.uids.reclaim(uidBase, `${this.stateDir} ${spec.id}`);
      let progress: WorkloadProgress = { restarts: 0, crashLoop: 0, phase: 'Running', ready: false };
      try {
        progress = JSON.parse(readFileSync(this.progressFile(spec.id), 'utf8')) as WorkloadProgress;
      } catch {
        /* no progress saved: counting starts again */
      }
      for (const p of Object.values(ports)) this.takenPorts.add(p);
      const w = new ContainerWorkload(
        { ...spec, env: [] },
        c.Names[0] ?? c.Id,
        ports,
        uidBase,
        limitsOf(spec),
        this.ctx,
      );
      this.loads.set(spec.id, w);
      w.containerId = c.Id;
      this.byName.set(w.name, w);
      w.adopt(progress, { running: c.State === 'running', pid: c.Pid, exitCode: c.ExitCode });
    }
    this.watchEvents();
  }

  /** Loopback ports the workload's env names that belong to workloads of its own namespace on this agent. */
  private allowedPeers(spec: RunSpec): number[] {
    const ns = spec.id.split('/')[0];
    const own = this.opts.peerPorts
      ? new Set(this.opts.peerPorts(ns))
      : new Set(this.list().flatMap((s) => (s.id.split('/')[0] === ns ? Object.values(s.ports) : [])));
    return loopbackPorts(spec.env.map((e) => e.value)).filter((p) => own.has(p));
  }

  private emit(w: ContainerWorkload): void {
    if (this.loads.get(w.spec.id) !== w) return;
    try {
      writeFileSync(this.progressFile(w.spec.id), JSON.stringify(w.progress()), { mode: 0o600 });
    } catch (e) {
      this.warn(`saving progress of ${w.spec.id}: ${(e as Error).message}`);
    }
    this.notify(w.snapshot());
  }

  private notify(s: RunState): void {
    this.notifier.notify(s);
  }

  private async validate(spec: RunSpec): Promise<string> {
    if (this.closed) throw new ApiError('Unavailable', 'container driver is closed');
    if (spec.runtime !== 'container')
      throw new ApiError('Invalid', `container driver cannot run runtime ${spec.runtime}`);
    const image = spec.artifact.image;
    if (!image) throw new ApiError('Invalid', `workload ${spec.id}: the container runtime needs artifact.image`);
    if (!/@sha256:[0-9a-f]{64}$/.test(image))
      throw new ApiError('Invalid', `workload ${spec.id}: image ${image} must be pinned by digest (name@sha256:…)`);
    const names = spec.ports.map((p) => p.name);
    if (new Set(names).size !== names.length)
      throw new ApiError('Invalid', `workload ${spec.id}: duplicate port names`);
    // A digest names immutable content: once seen in the store it stays valid (`podman create` fails otherwise).
    if (this.images.has(image)) return image;
    const exists = await this.podman.exec(['image', 'exists', image]);
    if (exists.code !== 0)
      throw new ApiError('Invalid', `workload ${spec.id}: image ${image} is not in this site's image store`);
    this.images.add(image);
    return image;
  }

  ensure(spec: RunSpec): Promise<RunState> {
    return this.locks.run(spec.id, async () => {
      const existing = this.loads.get(spec.id);
      if (existing && existing.spec.uid === spec.uid && existing.spec.generation === spec.generation)
        return existing.snapshot();
      if (!this.homeReady) {
        podmanHome(this.podman.home.dir);
        this.homeReady = true;
      }
      const image = await this.validate(spec);
      let previousPorts: Record<string, number> = {};
      if (existing) {
        previousPorts = existing.ports;
        const grace = existing.spec.terminationGracePeriodSeconds * 1000;
        this.notify(await existing.stop(grace, `replaced by generation ${spec.generation}`));
        await this.discard(existing, false);
      }
      const ports = await allocatePorts(this.host, spec.ports, this.takenPorts, previousPorts);
      const uidBase = this.uids.claim(`${this.stateDir} ${spec.id}`);
      const workDir = this.workDir(spec.id);
      mkdirSync(workDir, { recursive: true, mode: 0o700 });
      const name = `continuum-${this.key}-${sanitiseId(spec.id).slice(0, 40)}-${spec.generation}`.toLowerCase();
      const plan = createArgs(spec, {
        name: `${name}-${createHash('sha256')
          .update(spec.id + spec.uid)
          .digest('hex')
          .slice(0, 8)}`,
        image,
        uidBase,
        ports,
        workDir,
        logPath: this.logPath(spec.id),
        logMaxBytes: this.opts.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES,
        driverKey: this.key,
        pidsLimit: this.opts.pidsLimit ?? 512,
      });
      // One podman call creates and starts the container; a failure leaves nothing behind and the old run gone.
      const w = new ContainerWorkload(spec, plan.name, ports, uidBase, limitsOf(spec), this.ctx);
      this.loads.set(spec.id, w);
      this.byName.set(w.name, w);
      this.watchEvents();
      w.beginRun();
      const started = await this.podman.exec(['run', '--detach', ...plan.args.slice(1)], { env: plan.env });
      if (started.code !== 0) {
        this.loads.delete(spec.id);
        await this.discard(w, false);
        this.watchEvents();
        throw new ApiError('Invalid', `workload ${spec.id}: podman run failed: ${started.stderr.trim().slice(0, 500)}`);
      }
      this.emit(w);
      void w.afterStart(started.stdout.trim().split('\n').at(-1));
      return w.snapshot();
    });
  }

  /** Removes the container of a stopped workload and releases its ports and ids (and its files, when `files`). */
  private async discard(w: ContainerWorkload, files: boolean): Promise<void> {
    // podman's own cleanup of a container that just died can hold its mounts for a moment: retry briefly.
    for (let attempt = 0; ; attempt++) {
      const r = await this.podman.exec(['rm', '-f', '-t', '0', w.name]);
      if (r.code === 0 || /no such container/i.test(r.stderr)) break;
      if (attempt >= 10) {
        this.warn(`removing container ${w.name}: ${r.stderr.trim().slice(0, 300)}`);
        break;
      }
      await sleep(100 * (attempt + 1));
    }
    if (this.byName.get(w.name) === w) this.byName.delete(w.name);
    for (const p of Object.values(w.ports)) this.takenPorts.delete(p);
    this.uids.release(w.uidBase);
    if (files) {
      rmSync(this.workDir(w.spec.id), { recursive: true, force: true });
      rmSync(this.logPath(w.spec.id), { force: true });
      rmSync(this.progressFile(w.spec.id), { force: true });
    }
  }

  remove(id: string, graceSeconds?: number): Promise<void> {
    return this.locks.run(id, async () => {
      const w = this.loads.get(id);
      if (!w) return;
      const final = await w.stop((graceSeconds ?? w.spec.terminationGracePeriodSeconds) * 1000, 'removed');
      this.loads.delete(id);
      this.watchEvents();
      await this.discard(w, true);
      this.notify(final);
      this.notifier.forget(id);
    });
  }

  get(id: string): RunState | undefined {
    return this.loads.get(id)?.snapshot();
  }

  list(): RunState[] {
    return [...this.loads.values()].map((w) => w.snapshot());
  }

  onChange(listener: (state: RunState) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  async *logs(id: string, opts: LogOptions = {}): AsyncGenerator<string> {
    if (!this.loads.has(id)) throw new ApiError('NotFound', `workload ${id} is not known to this agent`);
    yield* readContainerLog(this.logPath(id), {
      ...opts,
      pollMs: this.opts.logPollMs ?? 100,
      isGone: () => this.closed || !this.loads.has(id),
    });
  }

  async close(opts: { detach: boolean }): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.locks.idle();
    const loads = [...this.loads.values()];
    if (opts.detach) for (const w of loads) w.detach();
    else {
      const finals = await Promise.all(
        loads.map((w) => w.stop(w.spec.terminationGracePeriodSeconds * 1000, 'agent shut down')),
      );
      await Promise.all(loads.map((w) => this.discard(w, true)));
      for (const f of finals) this.notify(f);
    }
    this.loads.clear();
    this.watchEvents();
    // A private podman home without containers leaves nothing in /run (a shared one is its owner's to clean).
    if (!opts.detach && this.homeReady && !this.opts.podmanHome && (await this.listAll()).length === 0)
      rmSync(dirname(this.podman.home.run), { recursive: true, force: true });
    this.notifier.clear();
    this.unlock();
  }
}

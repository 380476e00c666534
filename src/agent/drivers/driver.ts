// The runtime driver interface: how a site agent runs workloads (process, function, kubernetes, ...).
import type { Artifact, EnvVar, HealthCheck, Port, Resources, RuntimeKind } from '../../model/index.js';

/** Everything a driver needs to run one workload; env values are already resolved (no secret refs). */
export interface RunSpec {
  /** Stable identity of the workload: "<namespace>/<name>". */
  id: string;
  uid: string;
  /** Bumped when the spec changes; a different generation means "replace". */
  generation: number;
  runtime: RuntimeKind;
  artifact: Artifact;
  ports: Port[];
  env: Array<Pick<EnvVar, 'name' | 'value'>>;
  resources: Resources;
  healthCheck?: HealthCheck;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds: number;
  /** Directory that relative artifact commands resolve against. */
  artifactBaseDir?: string;
}

/**
 * Starting: launched (or waiting out a restart back-off) and not yet healthy in this run. Running: healthy at
 * least once in this run. Failed: ended and not restarted (non-zero or unknown exit, or failed health).
 * Terminated: ended cleanly and not restarted, or stopped.
 */
export type RunPhase = 'Starting' | 'Running' | 'Failed' | 'Terminated';

/** What a driver reports about one workload. */
export interface RunState {
  id: string;
  uid: string;
  generation: number;
  phase: RunPhase;
  /** Health check passing (or no health check and the process is up). */
  ready: boolean;
  pid?: number;
  host: string;
  /** Allocated host ports by port name. */
  ports: Record<string, number>;
  restarts: number;
  startedAt?: string;
  /** Exit code of the last ended run (128 + n for signal n); absent when unknown, e.g. for an adopted process. */
  exitCode?: number;
  message?: string;
  /** Machine-readable why of a failing start, for the Ready condition (e.g. CommandNotFound, DigestMismatch). */
  reason?: string;
  /**
   * Whether CPU / memory limits are really enforced (cgroups); never pretend. A limit that was not requested
   * is false too; `reason` says why each false one is false.
   */
  limits: { cpu: boolean; memory: boolean; reason?: string };
  /**
   * The driver was restarted and does not know the workload's environment (resolved values, secrets among
   * them, are never kept on disk): the agent calls ensure() again with the full spec, even for the same generation.
   */
  envPending?: boolean;
}

export interface LogOptions {
  follow?: boolean;
  /** Last N lines only. */
  tail?: number;
  /** The log of the run before the last restart (empty when there was none). */
  previous?: boolean;
  /**
   * Only lines written at or after this time (ms since the epoch). A driver whose log lines carry no times may
   * include lines up to its sampling interval older than this, but never leaves out a newer one.
   */
  sinceMs?: number;
  signal?: AbortSignal;
}

export interface RuntimeDriver {
  readonly name: string;
  /**
   * Ensures the workload runs as specified. Idempotent: same id + uid + generation → returns the current state
   * without restarting (also after it Failed or Terminated: a retry needs a new generation). A different
   * uid/generation replaces the old run. Resolves once started, before readiness. An unusable spec throws
   * ApiError Invalid and leaves the current run alone.
   */
  ensure(spec: RunSpec): Promise<RunState>;
  /**
   * Stops and forgets the workload: SIGTERM, grace period, then SIGKILL. No-op when unknown. Listeners get a
   * final Terminated state (with the exit code) before it is forgotten.
   */
  remove(id: string, graceSeconds?: number): Promise<void>;
  get(id: string): RunState | undefined;
  list(): RunState[];
  /** Called on every state change (phase, readiness, restart, pid, exit). */
  onChange(listener: (state: RunState) => void): () => void;
  /**
   * Log lines (stdout and stderr) of the workload, oldest first; with follow, keeps yielding until aborted
   * (or the workload is removed, or the driver closes). Throws ApiError NotFound for an unknown workload.
   */
  logs(id: string, opts?: LogOptions): AsyncIterable<string>;
  /**
   * Shuts the driver down. `detach: true` leaves workloads running so a restarted agent can re-adopt
   * them (edge autonomy); `detach: false` stops them all.
   */
  close(opts: { detach: boolean }): Promise<void>;
  /**
   * Optional: what the runtime itself can give to workloads, when it knows better than the host (a cluster's
   * allocatable capacity). The agent reports it as the site's (a declared spec.allocatable still wins).
   */
  allocatable?(): Resources | undefined;
}

/** Options every driver factory receives. */
export interface DriverOptions {
  /** Directory for per-workload working dirs, state files and logs; survives agent restarts. */
  stateDir: string;
  /** Address workloads bind to and are reported at (default 127.0.0.1). */
  host?: string;
  /** Max bytes of one log file before rotation. */
  logMaxBytes?: number;
  /** Rotated log files kept per workload. */
  logFiles?: number;
  /** Clock, injectable for tests (timestamps and back-off reset windows). */
  now?: () => Date;
}

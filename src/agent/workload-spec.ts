// Translates a bound Workload into the driver's RunSpec, and a driver RunState back into the Workload's status.
import { setCondition, type Condition, type Workload, type WorkloadSpec, type WorkloadStatus } from '../model/index.js';
import type { RunSpec, RunState } from './drivers/driver.js';

/** "<namespace>/<name>": the driver id of a workload. */
export const workloadId = (wl: Workload): string => `${wl.metadata.namespace ?? 'default'}/${wl.metadata.name}`;

const DEFAULT_GRACE_SECONDS = 10;
const MAX_MESSAGE = 4096;

/**
 * The RunSpec for a workload. Env: `resolvedEnv` (from the control plane, secret references resolved)
 * when given, else the workload's literal values (entries with `valueFrom` left out), then
 * CONTINUUM_SITE, CONTINUUM_WORKLOAD and CONTINUUM_NAMESPACE, which win over same-named entries.
 * Resolved secret values live only in the RunSpec handed to the driver, never in stored objects.
 */
export function toRunSpec(
  wl: Workload,
  o: { site: string; artifactBaseDir?: string; resolvedEnv?: Array<{ name: string; value: string }> },
): RunSpec {
  const spec = wl.spec;
  const ns = wl.metadata.namespace ?? 'default';
  const own = new Set(['CONTINUUM_SITE', 'CONTINUUM_WORKLOAD', 'CONTINUUM_NAMESPACE']);
  const env = (
    o.resolvedEnv ??
    (spec.env ?? []).filter((e) => e.valueFrom === undefined).map((e) => ({ name: e.name, value: e.value ?? '' }))
  ).filter((e) => !own.has(e.name));
  env.push(
    { name: 'CONTINUUM_SITE', value: o.site },
    { name: 'CONTINUUM_WORKLOAD', value: workloadId(wl) },
    { name: 'CONTINUUM_NAMESPACE', value: ns },
  );
  return {
    id: workloadId(wl),
    uid: wl.metadata.uid,
    generation: wl.metadata.generation,
    runtime: spec.runtime ?? 'process',
    artifact: spec.artifact,
    ports: spec.ports ?? [],
    env,
    resources: spec.resources ?? {},
    ...(spec.healthCheck ? { healthCheck: spec.healthCheck } : {}),
    restartPolicy: spec.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS,
    ...(o.artifactBaseDir ? { artifactBaseDir: o.artifactBaseDir } : {}),
  };
}

/** http://host:port of the first exposed port with an allocated host port, else of the first such port. */
export function workloadUrl(spec: WorkloadSpec, state: Pick<RunState, 'host' | 'ports'>): string | undefined {
  const ports = spec.ports ?? [];
  const pick =
    ports.find((p) => p.expose && state.ports[p.name] !== undefined) ??
    ports.find((p) => state.ports[p.name] !== undefined);
  return pick ? `http://${state.host}:${state.ports[pick.name]}` : undefined;
}

function readyCondition(state: RunState): Omit<Condition, 'lastTransitionTime'> {
  const msg = state.message ? { message: state.message.slice(0, MAX_MESSAGE) } : {};
  if (state.phase === 'Running' && state.ready) return { type: 'Ready', status: 'True', reason: 'Running' };
  if (state.phase === 'Running') return { type: 'Ready', status: 'False', reason: 'NotReady', ...msg };
  if (state.phase === 'Starting')
    return {
      type: 'Ready',
      status: 'False',
      reason: state.reason ?? (state.restarts > 0 ? 'Restarting' : 'Starting'),
      ...msg,
    };
  if (state.phase === 'Failed') return { type: 'Ready', status: 'False', reason: state.reason ?? 'Failed', ...msg };
  return { type: 'Ready', status: 'False', reason: 'Terminated', ...msg };
}

/**
 * A run state, or why the workload could not be started: `reason` is the Ready condition's reason
 * (default StartFailed; RuntimeUnavailable when the site does not offer the workload's runtime).
 */
export type RunReport = { state: RunState } | { error: string; reason?: string };

/**
 * The status the agent reports for `wl` given its run state (or a start failure). Conditions other
 * than Ready are kept; Ready keeps its lastTransitionTime while its status does not change.
 */
export function workloadStatus(wl: Workload, site: string, now: string, run: RunReport): WorkloadStatus {
  const prev: WorkloadStatus = wl.status ?? {};
  const spec = wl.spec;
  if ('error' in run) {
    const message = run.error.slice(0, MAX_MESSAGE);
    return {
      phase: 'Failed',
      observedGeneration: wl.metadata.generation,
      conditions: setCondition(
        prev.conditions,
        { type: 'Ready', status: 'False', reason: run.reason ?? 'StartFailed', message },
        now,
      ),
      siteName: site,
      message,
    };
  }
  const s = run.state;
  const out: WorkloadStatus = {
    phase: s.phase,
    observedGeneration: s.generation,
    conditions: setCondition(prev.conditions, readyCondition(s), now),
    siteName: site,
    restarts: s.restarts,
    host: s.host,
    ports: { ...s.ports },
    limits: { ...s.limits },
  };
  if (s.startedAt !== undefined) out.startedAt = s.startedAt;
  if (s.pid !== undefined) out.pid = s.pid;
  const url = workloadUrl(spec, s);
  if (url) out.url = url;
  if (s.exitCode !== undefined) out.exitCode = s.exitCode;
  if (s.message) out.message = s.message.slice(0, MAX_MESSAGE);
  return out;
}

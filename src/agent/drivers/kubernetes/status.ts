// Reads a workload's state from its Deployment and Pods (readiness, restarts, exit codes, why it is not running).
import type { RunPhase } from '../driver.js';
import type { KubeObject } from './render.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Waiting reasons that will not fix themselves without a new spec. */
const STUCK = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError']);

export interface ObservedState {
  phase: RunPhase;
  ready: boolean;
  restarts: number;
  startedAt?: string;
  exitCode?: number;
  message?: string;
}

/**
 * What the Deployment (of the generation just applied, `deployGeneration`) and its pods say. Ready when the
 * Deployment controller has seen this generation and an updated replica is available.
 */
export function observe(
  deployment: KubeObject | undefined,
  pods: readonly KubeObject[],
  deployGeneration: number | undefined,
): ObservedState {
  const d = deployment as Json;
  const st = d?.status ?? {};
  const seen = deployGeneration === undefined || (st.observedGeneration ?? 0) >= deployGeneration;
  const live = pods.filter((p) => !(p as Json).metadata?.deletionTimestamp);
  // The Deployment says an updated replica is available; a pod of this generation must say it is Ready too
  // (the Deployment's counts can still include a pod of the generation before).
  const podReady = live.some((p) =>
    ((p as Json).status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True'),
  );
  const ready = !!d && seen && (st.updatedReplicas ?? 0) >= 1 && (st.availableReplicas ?? 0) >= 1 && podReady;
  const pod = [...live].sort((a, b) =>
    String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')),
  )[0] as Json;
  const cs = pod?.status?.containerStatuses?.find((c: Json) => c.name === 'main');
  const restarts = cs?.restartCount ?? 0;
  const term = cs?.lastState?.terminated ?? cs?.state?.terminated;
  const out: ObservedState = {
    phase: ready ? 'Running' : 'Starting',
    ready,
    restarts,
    ...(cs?.state?.running?.startedAt ? { startedAt: String(cs.state.running.startedAt) } : {}),
    ...(typeof term?.exitCode === 'number' ? { exitCode: term.exitCode } : {}),
  };
  const waiting = cs?.state?.waiting;
  const failedCond = (st.conditions ?? []).find(
    (c: Json) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
  );
  if (!ready && waiting?.reason && STUCK.has(waiting.reason)) {
    out.phase = 'Failed';
    out.message = `${waiting.reason}: ${waiting.message ?? ''}`.trim();
  } else if (!ready && failedCond) {
    out.phase = 'Failed';
    out.message = `ProgressDeadlineExceeded: ${failedCond.message ?? ''}`.trim();
  } else if (!ready && waiting?.reason)
    out.message = `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
  else if (!ready && pod?.status?.phase === 'Pending') out.message = 'pod pending';
  else if (!ready && !pod) out.message = 'no pod yet';
  return out;
}

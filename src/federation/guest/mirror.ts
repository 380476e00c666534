// The partner's view of an instance (state, access points) as the local Workload's status.
import type { Workload, WorkloadStatus } from '../../model/index.js';

interface AccessPoint {
  interfaceId?: unknown;
  accessPoints?: { port?: unknown; fqdn?: unknown; ipv4Addresses?: unknown; ipv6Addresses?: unknown };
}

const HOST = /^[A-Za-z0-9.:-]{1,253}$/;

/** Host and port of one access point (first IPv4, else FQDN, else IPv6), or undefined when unusable. */
function endpointOf(ap: AccessPoint): { host: string; port: number } | undefined {
  const p = ap.accessPoints;
  const port = typeof p?.port === 'number' && Number.isInteger(p.port) && p.port > 0 && p.port < 65536 ? p.port : 0;
  const first = (v: unknown): string | undefined => (Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
  const host = first(p?.ipv4Addresses) ?? (typeof p?.fqdn === 'string' ? p.fqdn : undefined) ?? first(p?.ipv6Addresses);
  if (!port || !host || !HOST.test(host)) return undefined;
  return { host, port };
}

/**
 * Status of `w` given the partner's instance info ({appInstanceState, accessPointInfo} — `accesspointInfo`, the
 * spelling of one callback, accepted too). READY with an access point → Running and Ready, with host, ports, url.
 */
export function mirrorStatus(w: Workload, info: unknown): WorkloadStatus {
  const o = (info && typeof info === 'object' ? info : {}) as Record<string, unknown>;
  const state = o.appInstanceState;
  const aps = (
    Array.isArray(o.accessPointInfo) ? o.accessPointInfo : Array.isArray(o.accesspointInfo) ? o.accesspointInfo : []
  ) as AccessPoint[];
  const prev = w.status ?? {};
  const base: WorkloadStatus = { ...prev, siteName: w.spec.siteName };
  delete base.pid;
  if (state === 'FAILED')
    return {
      ...base,
      phase: 'Failed',
      message: typeof o.message === 'string' ? o.message.slice(0, 4000) : 'the partner reports FAILED',
      conditions: ready(prev, false),
    };
  if (state === 'TERMINATING') return { ...base, phase: 'Terminating', conditions: ready(prev, false) };
  if (state !== 'READY')
    return {
      ...base,
      phase: 'Starting',
      message: 'the partner is starting the instance',
      conditions: ready(prev, false),
    };
  const ports: Record<string, number> = {};
  let host: string | undefined;
  for (const ap of aps) {
    const e = endpointOf(ap);
    if (!e || typeof ap.interfaceId !== 'string') continue;
    host ??= e.host;
    if (e.host === host) ports[ap.interfaceId] = e.port;
  }
  const exposed =
    (w.spec.ports ?? []).find((p) => p.expose && ports[p.name]) ?? (w.spec.ports ?? []).find((p) => ports[p.name]);
  const url = host && exposed ? `http://${host.includes(':') ? `[${host}]` : host}:${ports[exposed.name]}` : undefined;
  const next: WorkloadStatus = {
    ...base,
    phase: 'Running',
    startedAt: prev.phase === 'Running' && prev.startedAt ? prev.startedAt : new Date().toISOString(),
    conditions: ready(prev, true),
    message: 'running on the partner',
    ...(host ? { host } : {}),
    ...(Object.keys(ports).length ? { ports } : {}),
    ...(url ? { url } : {}),
  };
  return next;
}

function ready(prev: WorkloadStatus, ok: boolean): NonNullable<WorkloadStatus['conditions']> {
  const others = (prev.conditions ?? []).filter((c) => c.type !== 'Ready');
  const cur = (prev.conditions ?? []).find((c) => c.type === 'Ready');
  const status = ok ? 'True' : 'False';
  if (cur?.status === status) return [...others, cur];
  return [
    ...others,
    {
      type: 'Ready',
      status,
      reason: ok ? 'PartnerInstanceReady' : 'PartnerInstanceNotReady',
      lastTransitionTime: new Date().toISOString(),
    },
  ];
}

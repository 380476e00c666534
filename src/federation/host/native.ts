// Maps onboarded EWBI applications and instances onto native Applications and Deployments, and back.
import { ApiError, Component, type Deployment, type EnvVar, type RuntimeKind } from '../../model/index.js';
import type {
  AccessPointInfo,
  ComponentSpec,
  InstanceState,
  UploadArtefactRequest,
  UploadFileRequest,
} from '../ewbi/index.js';
import { wireErrors } from './http.js';

/** Native component built from one artefact component and its image file. */
export function nativeComponent(
  spec: ComponentSpec,
  file: UploadFileRequest,
  allowed: readonly RuntimeKind[],
): Component {
  const repo = file.fileRepoLocation?.repoURL ?? '';
  const proc = repo.startsWith('process:');
  const runtime: RuntimeKind = proc ? 'process' : 'container';
  if (!allowed.includes(runtime))
    throw new ApiError('Invalid', `this partner does not run ${runtime} workloads for federations`, [
      { field: 'fileRepoLocation.repoURL', message: `runtime ${runtime} not offered` },
    ]);
  if (!repo || (proc && repo.length <= 'process:'.length))
    throw new ApiError('Invalid', `file ${file.fileId} has no image location`, [
      { field: 'fileRepoLocation.repoURL', message: 'required to run the image' },
    ]);
  // A native component the originator attached (deploymentConfig) fills in what EWBI cannot say (probes, args);
  // the partner keeps the decisions that are its own: runtime, placement, secrets.
  let base: Partial<Component> = {};
  const cfg = spec.deploymentConfig;
  if (cfg?.configType === 'KUBERNETES_MANIFEST') {
    try {
      const parsed = JSON.parse(cfg.contents) as Component;
      if (wireErrors(Component, parsed).length === 0) base = parsed;
    } catch {
      /* not a native component: ignore, the EWBI fields are enough */
    }
  }
  const cmd = spec.commandLineParams;
  const artifact = proc
    ? { command: repo.slice('process:'.length), args: cmd?.commandArgs ?? base.artifact?.args ?? [] }
    : {
        image: repo,
        ...(cmd?.command?.length ? { command: cmd.command[0] } : {}),
        ...(cmd?.commandArgs ? { args: cmd.commandArgs } : base.artifact?.args ? { args: base.artifact.args } : {}),
      };
  const ports = (spec.exposedInterfaces ?? []).map((i) => {
    if (i.commProtocol === 'UDP')
      throw new ApiError('Invalid', 'UDP interfaces are not offered', [
        { field: `exposedInterfaces.${i.interfaceId}`, message: 'UDP not supported' },
      ]);
    if (i.interfaceId.length > 15)
      throw new ApiError('Invalid', `interface id ${i.interfaceId} is longer than 15 characters`, [
        { field: `exposedInterfaces.${i.interfaceId}`, message: 'at most 15 characters' },
      ]);
    return {
      name: i.interfaceId,
      port: i.commPort,
      protocol: i.commProtocol === 'TCP' ? ('TCP' as const) : ('HTTP' as const),
      expose: i.visibilityType === 'VISIBILITY_EXTERNAL',
    };
  });
  // Only literal values: a partner's workload never reads this control plane's Secrets.
  const env: EnvVar[] = (base.env ?? []).filter((e) => e.valueFrom === undefined);
  for (const p of spec.compEnvParams ?? [])
    if (p.envValueType === 'USER_DEFINED' && p.envVarValue !== undefined && !env.some((e) => e.name === p.envVarName))
      env.push({ name: p.envVarName, value: p.envVarValue });
  const prof = spec.computeResourceProfile;
  return {
    name: spec.componentName,
    runtime,
    artifact,
    ...(ports.length ? { ports } : base.ports ? { ports: base.ports } : {}),
    resources: { cpu: prof.numCPU, memory: `${prof.memory}Mi` },
    ...(env.length ? { env } : {}),
    ...(base.healthCheck ? { healthCheck: base.healthCheck } : {}),
    replicas: Math.max(1, Math.min(spec.numOfInstances, 16)),
    restartPolicy: spec.restartPolicy === 'RESTART_POLICY_NEVER' ? 'Never' : 'Always',
  };
}

/** Native components of an onboarded application from its artefacts (each artefact names its files). */
export function nativeComponents(
  artefacts: readonly UploadArtefactRequest[],
  fileOf: (fileId: string) => UploadFileRequest | undefined,
  allowed: readonly RuntimeKind[],
): Component[] {
  const out: Component[] = [];
  for (const a of artefacts)
    for (const c of a.componentSpec) {
      const file = fileOf(c.images[0]);
      if (!file)
        throw new ApiError('Invalid', `artefact ${a.artefactId} names file ${c.images[0]}, which was not uploaded`, [
          { field: 'componentSpec.images', message: 'unknown file' },
        ]);
      if (out.some((x) => x.name === c.componentName))
        throw new ApiError('Invalid', `component ${c.componentName} appears twice`, [
          { field: 'componentSpec.componentName', message: 'duplicate' },
        ]);
      out.push(nativeComponent(c, file, allowed));
    }
  return out;
}

/** EWBI instance state of a native Deployment. */
export function instanceState(d: Deployment): InstanceState {
  if (d.metadata.deletionTimestamp || d.status?.phase === 'Terminating') return 'TERMINATING';
  if (d.status?.phase === 'Running') return 'READY';
  if (d.status?.phase === 'Failed') return 'FAILED';
  // Unplaced on its pinned zone stays PENDING: the zone may come back (site NotReady), the instance then starts.
  return 'PENDING';
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Access points of a Deployment's endpoints, one per (exposed) interface. */
export function accessPoints(d: Deployment): AccessPointInfo | undefined {
  const out: AccessPointInfo = [];
  for (const e of d.status?.endpoints ?? []) {
    let u: URL;
    try {
      u = new URL(e.url);
    } catch {
      continue;
    }
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const interfaceId = (e.port ?? e.component).toLowerCase();
    if (!/^[a-z0-9]([-a-z0-9]{0,62}[a-z0-9])?$/.test(interfaceId)) continue;
    out.push({
      interfaceId,
      accessPoints: IPV4.test(host) ? { port, ipv4Addresses: [host] } : { port, fqdn: host },
    });
  }
  return out.length ? out : undefined;
}

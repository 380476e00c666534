// EWBI request bodies for one Workload placed on a partner zone, and the deterministic ids they carry.
import { createHash, randomBytes } from 'node:crypto';
import { mebibytes, milliCpu, formatMilliCpu, type Workload } from '../../model/index.js';
import type { ComponentSpec, InterfaceDetails } from '../ewbi/index.js';

const h = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);
const ENV_VALUE = /^[A-Za-z0-9_,.-]{0,128}$/;
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_]{0,63}$/;

/** What the partner knows a replica by: ids derived from the deployment and spec (same input → same ids). */
export interface InstanceIds {
  appProviderId: string;
  fileId: string;
  artefactId: string;
  appId: string;
  appInstanceId: string;
  zoneId: string;
  /** Groups the outbox entries of one deployment on one federation (cleaned up together). */
  group: string;
}

/** The run fields of a workload that decide what the partner onboards (not where or which replica). */
function runSpec(w: Workload): unknown {
  const { runtime, artifact, ports, resources, env, healthCheck, restartPolicy, component } = w.spec;
  return { runtime, artifact, ports, resources, env, healthCheck, restartPolicy, component };
}

export function instanceIds(federation: string, w: Workload, zoneId: string, deploymentUid: string): InstanceIds {
  const spec = h(`${federation}|${w.metadata.namespace}|${deploymentUid}|${JSON.stringify(runSpec(w))}`, 12);
  const component = w.spec.component.slice(0, 36).replace(/-+$/, '');
  return {
    appProviderId: (w.metadata.namespace ?? 'default').slice(0, 63),
    fileId: `f-${spec}`,
    artefactId: `a-${spec}`,
    appId: `${component}-${spec}-${h(zoneId, 6)}`,
    appInstanceId: `i-${h(w.metadata.uid ?? w.metadata.name, 24)}`,
    zoneId,
    group: `g-${h(`${federation}|${deploymentUid}`, 16)}`,
  };
}

const version = (ids: InstanceIds): string => `1.0.${parseInt(ids.fileId.slice(2, 6), 16) % 100}`;

/** UploadFile: the image (container) or the executable (process) the component runs, by reference. */
export function uploadFileBody(w: Workload, ids: InstanceIds): Record<string, unknown> {
  const a = w.spec.artifact ?? {};
  const ref = a.image ?? `process:${a.command ?? ''}`;
  return {
    fileId: ids.fileId,
    appProviderId: ids.appProviderId,
    fileName: w.spec.component.slice(0, 100),
    fileVersionInfo: version(ids),
    fileType: 'DOCKER',
    imgOSType: {
      architecture: 'x86_64',
      distribution: 'OTHER',
      version: 'OTHER',
      license: 'NOT_SPECIFIED',
    },
    imgInsSetArch: 'ISA_X86_64',
    repoType: 'PUBLICREPO',
    fileRepoLocation: { repoURL: ref },
  };
}

/** The spec's ComponentSpec for the workload's component; the native component rides in deploymentConfig. */
export function componentSpec(w: Workload, ids: InstanceIds): ComponentSpec {
  const a = w.spec.artifact ?? {};
  const ports = w.spec.ports ?? [];
  const exposed: InterfaceDetails[] = ports.map((p) => ({
    interfaceId: p.name,
    commProtocol: p.protocol === 'TCP' ? 'TCP' : 'HTTP_HTTPS',
    commPort: p.port ?? 8080,
    visibilityType: p.expose ? 'VISIBILITY_EXTERNAL' : 'VISIBILITY_INTERNAL',
  }));
  const env = (w.spec.env ?? [])
    .filter((e) => e.value !== undefined && ENV_NAME.test(e.name) && ENV_VALUE.test(e.value))
    .map((e) => ({ envVarName: e.name, envValueType: 'USER_DEFINED' as const, envVarValue: e.value! }));
  const cpu = milliCpu(w.spec.resources?.cpu ?? '250m') || 250;
  const mem = mebibytes(w.spec.resources?.memory ?? '128Mi') || 128;
  const native = {
    name: w.spec.component,
    ...Object.fromEntries(
      (['runtime', 'artifact', 'ports', 'resources', 'env', 'healthCheck', 'restartPolicy'] as const)
        .filter((k) => w.spec[k] !== undefined)
        .map((k) => [k, w.spec[k]]),
    ),
  };
  return {
    componentName: w.spec.component,
    images: [ids.fileId],
    numOfInstances: 1,
    restartPolicy: w.spec.restartPolicy === 'Never' ? 'RESTART_POLICY_NEVER' : 'RESTART_POLICY_ALWAYS',
    ...(a.command
      ? { commandLineParams: { command: [a.command], ...(a.args?.length ? { commandArgs: a.args } : {}) } }
      : {}),
    ...(exposed.length ? { exposedInterfaces: exposed } : {}),
    computeResourceProfile: { cpuArchType: 'ISA_X86_64', numCPU: formatMilliCpu(cpu), memory: mem },
    ...(env.length ? { compEnvParams: env } : {}),
    deploymentConfig: { configType: 'KUBERNETES_MANIFEST', contents: JSON.stringify(native) },
  } as ComponentSpec;
}

export function uploadArtefactBody(w: Workload, ids: InstanceIds): Record<string, unknown> {
  return {
    artefactId: ids.artefactId,
    appProviderId: ids.appProviderId,
    artefactName: w.spec.component.slice(0, 100),
    artefactVersionInfo: version(ids),
    artefactVirtType: 'CONTAINER_TYPE',
    artefactDescriptorType: 'COMPONENTSPEC',
    repoType: 'UPLOAD',
    componentSpec: [componentSpec(w, ids)],
  };
}

export function onboardBody(w: Workload, ids: InstanceIds, callbackBase: string): Record<string, unknown> {
  return {
    appId: ids.appId,
    appProviderId: ids.appProviderId,
    appDeploymentZones: [ids.zoneId],
    appMetaData: {
      appName: w.spec.component,
      version: version(ids),
      // The UNI access key of the spec; Continuum's gateway authenticates users itself, so this is only a token.
      accessToken: randomBytes(24).toString('base64url'),
    },
    appQoSProfile: { latencyConstraints: 'NONE' },
    appComponentSpecs: [{ componentName: w.spec.component, artefactId: ids.artefactId }],
    appStatusCallbackLink: `${callbackBase}/appStatusCallbackLink`,
  };
}

export function installBody(ids: InstanceIds, flavourId: string, callbackBase: string): Record<string, unknown> {
  return {
    appInstanceId: ids.appInstanceId,
    appId: ids.appId,
    appVersion: version(ids),
    appProviderId: ids.appProviderId,
    zoneInfo: { zoneId: ids.zoneId, flavourId },
    appInstCallbackLink: `${callbackBase}/appInstCallbackLink`,
  };
}

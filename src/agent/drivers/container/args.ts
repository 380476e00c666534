// The `podman create` arguments of a workload: confinement flags, limits, loopback-only ports, labels for adoption.
import { milliCpu, parseQuantity } from '../../../model/quantity.js';
import type { RunSpec } from '../driver.js';
import { expandVars } from '../process/launch.js';
import { portEnv } from '../process/ports.js';
import { IMAGE_ARTIFACTS } from './examples.js';
import { UID_BLOCK } from './uids.js';

/** Label keys on every container of the driver; adoption rebuilds a workload from them (never from env). */
export const LABEL = {
  driver: 'io.continuum.driver',
  id: 'io.continuum.id',
  uid: 'io.continuum.uid',
  generation: 'io.continuum.generation',
  ports: 'io.continuum.ports',
  uidBase: 'io.continuum.uidbase',
  spec: 'io.continuum.spec',
} as const;

/** Where the workload's writable work dir is mounted; its only writable place besides a small /tmp. */
export const WORK_MOUNT = '/work';

/** What adoption needs of a spec besides env (secrets never go into labels). */
export type LabelledSpec = Omit<RunSpec, 'env' | 'artifactBaseDir'>;

export interface CreatePlan {
  name: string;
  image: string;
  uidBase: number;
  ports: Record<string, number>;
  workDir: string;
  logPath: string;
  logMaxBytes: number;
  driverKey: string;
  pidsLimit: number;
}

/** The environment inside the container: the spec's, then HOST, WORKDIR, HOME and PORT / PORT_<NAME> (container ports). */
export function containerEnv(spec: RunSpec, p: CreatePlan): Record<string, string> {
  const env: Record<string, string> = {};
  // Peers' loopback URLs stay as they are: the agent forwards those ports into the container's namespace.
  for (const e of spec.env) env[e.name] = e.value ?? '';
  const inner = Object.fromEntries(spec.ports.map((x) => [x.name, x.port ?? p.ports[x.name]!]));
  return { ...env, HOST: '0.0.0.0', WORKDIR: WORK_MOUNT, HOME: WORK_MOUNT, ...portEnv(spec.ports, inner) };
}

/** Variables podman reads from its own environment: a workload's values for these go on the command line. */
const PODMAN_OWN_ENV = new Set([
  'PATH',
  'HOME',
  'CONTAINERS_CONF',
  'TMPDIR',
  'CONTAINERS_STORAGE_CONF',
  'CONTAINER_HOST',
]);

/** Arguments of `podman create` for the workload (env passed by name, values through the child's environment). */
export function createArgs(
  spec: RunSpec,
  p: CreatePlan,
): { name: string; args: string[]; env: Record<string, string> } {
  const labelled: LabelledSpec = {
    id: spec.id,
    uid: spec.uid,
    generation: spec.generation,
    runtime: spec.runtime,
    artifact: spec.artifact,
    ports: spec.ports,
    resources: spec.resources,
    healthCheck: spec.healthCheck,
    restartPolicy: spec.restartPolicy,
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
  };
  const env = containerEnv(spec, p);
  const args = [
    'create',
    '--name',
    p.name,
    '--pull',
    'never',
    '--init',
    '--uidmap',
    `0:${p.uidBase}:${UID_BLOCK}`,
    '--gidmap',
    `0:${p.uidBase}:${UID_BLOCK}`,
    '--cap-drop',
    'all',
    '--security-opt',
    'no-new-privileges',
    '--read-only',
    '--read-only-tmpfs=false',
    '--tmpfs',
    '/tmp:rw,nosuid,nodev,size=64m,mode=1777',
    '--volume',
    `${p.workDir}:${WORK_MOUNT}:rw,U`,
    '--workdir',
    WORK_MOUNT,
    '--pids-limit',
    String(p.pidsLimit),
    '--network',
    // Never allow_host_loopback: peers are reached through the agent's per-port forwards (forward.ts).
    spec.ports.length ? 'slirp4netns' : 'none',
    '--log-driver',
    'k8s-file',
    '--log-opt',
    `path=${p.logPath}`,
    '--log-opt',
    `max-size=${p.logMaxBytes}`,
    '--label',
    `${LABEL.driver}=${p.driverKey}`,
    '--label',
    `${LABEL.id}=${spec.id}`,
    '--label',
    `${LABEL.uid}=${spec.uid}`,
    '--label',
    `${LABEL.generation}=${spec.generation}`,
    '--label',
    `${LABEL.ports}=${JSON.stringify(p.ports)}`,
    '--label',
    `${LABEL.uidBase}=${p.uidBase}`,
    '--label',
    `${LABEL.spec}=${JSON.stringify(labelled)}`,
  ];
  for (const x of spec.ports) args.push('--publish', `127.0.0.1:${p.ports[x.name]}:${x.port ?? p.ports[x.name]}/tcp`);
  if (spec.resources.memory !== undefined) {
    const bytes = Math.max(6 * 1024 * 1024, Math.round(parseQuantity(spec.resources.memory)));
    args.push('--memory', String(bytes), '--memory-swap', String(bytes));
  }
  if (spec.resources.cpu !== undefined)
    args.push('--cpus', String(Math.max(0.01, milliCpu(spec.resources.cpu) / 1000)));
  // Values travel in podman's own environment (`--env NAME`), not on its command line, except for the few
  // names podman itself needs from its environment.
  const byName: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (PODMAN_OWN_ENV.has(k) || k.startsWith('XDG_')) args.push('--env', `${k}=${v}`);
    else {
      args.push('--env', k);
      byName[k] = v;
    }
  }
  args.push(p.image);
  // $(VAR) in command and args as in the process runtime, with the container's values ($(ARTIFACTS) = /artifacts).
  const vars = { ...env, ARTIFACTS: IMAGE_ARTIFACTS };
  const a = spec.artifact;
  if (a.command) args.push(expandVars(a.command, vars));
  if (a.args) args.push(...a.args.map((x) => expandVars(x, vars)));
  return { name: p.name, args, env: byName };
}

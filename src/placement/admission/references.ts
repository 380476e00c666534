// Admission of Applications and Deployments: references to user areas, applications, sites, secrets and components
// must resolve, and merged requirements must not contradict themselves; every problem is reported with its field path.
import {
  ApiError,
  ApplicationKind,
  kindByName,
  requirementConflicts,
  SiteKind,
  UserAreaKind,
  type AnyResource,
  type ApplicationSpec,
  type DeploymentSpec,
  type EnvVar,
  type FieldError,
  type KindDef,
  type LatencyRequirement,
} from '../../model/index.js';
import type { Admission, Store } from '../../store/index.js';
import { jsonEqual } from '../../store/index.js';

/** Memoised existence checks within one admission. */
function lookups(store: Store, namespace: string) {
  const cache = new Map<string, Promise<boolean>>();
  const exists = (kind: KindDef, ns: string | undefined, name: string): Promise<boolean> => {
    const k = `${kind.kind}/${ns ?? ''}/${name}`;
    if (!cache.has(k))
      cache.set(
        k,
        store.get(kind, ns, name).then((o) => o !== undefined),
      );
    return cache.get(k)!;
  };
  return {
    area: (name: string) => exists(UserAreaKind, undefined, name),
    site: (name: string) => exists(SiteKind, undefined, name),
    // Secret is a security kind (a layer placement may not import): found through the registry.
    secret: (name: string) => exists(kindByName('Secret')!, namespace, name),
  };
}

type Lookups = ReturnType<typeof lookups>;

async function checkEnv(env: readonly EnvVar[] | undefined, path: string, look: Lookups, out: FieldError[]) {
  for (const [i, e] of (env ?? []).entries()) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref && !(await look.secret(ref.name)))
      out.push({ field: `${path}[${i}].valueFrom.secretKeyRef.name`, message: `secret ${ref.name} not found` });
  }
}

async function checkLatencyAreas(
  latency: readonly LatencyRequirement[] | undefined,
  path: string,
  components: ReadonlySet<string> | undefined,
  look: Lookups,
  out: FieldError[],
): Promise<void> {
  for (const [i, l] of (latency ?? []).entries()) {
    if (!(await look.area(l.area)))
      out.push({ field: `${path}[${i}].area`, message: `user area ${l.area} not found (continuum get userareas)` });
    if (l.component !== undefined && components && !components.has(l.component))
      out.push({ field: `${path}[${i}].component`, message: `no component ${l.component} in the application` });
  }
}

/** Problems of an Application spec: latency areas, latency/connection targets, secrets, contradictions, accelerators. */
export async function applicationProblems(spec: ApplicationSpec, look: Lookups): Promise<FieldError[]> {
  const out: FieldError[] = [];
  const names = new Set(spec.components.map((c) => c.name));
  await checkLatencyAreas(spec.requirements?.latency, 'spec.requirements.latency', names, look, out);
  for (const [i, c] of spec.components.entries()) {
    const at = `spec.components[${i}]`;
    await checkLatencyAreas(c.requirements?.latency, `${at}.requirements.latency`, undefined, look, out);
    for (const [j, conn] of (c.connections ?? []).entries())
      if (!names.has(conn.to)) out.push({ field: `${at}.connections[${j}].to`, message: `no component ${conn.to}` });
    await checkEnv(c.env, `${at}.env`, look, out);
    if (c.resources?.gpuModel !== undefined && !(Number(c.resources.gpu ?? 0) > 0))
      out.push({ field: `${at}.resources.gpuModel`, message: 'an accelerator model needs resources.gpu ≥ 1' });
    out.push(
      ...requirementConflicts([
        { req: spec.requirements, path: 'spec.requirements' },
        { req: c.requirements, path: `${at}.requirements` },
      ]),
    );
  }
  return dedupe(out);
}

/** Problems of a Deployment spec against its Application (when it exists) and the topology. */
export async function deploymentProblems(
  spec: DeploymentSpec,
  app: ApplicationSpec | undefined,
  look: Lookups,
): Promise<FieldError[]> {
  const out: FieldError[] = [];
  for (const [i, a] of (spec.areas ?? []).entries())
    if (!(await look.area(a.area)))
      out.push({ field: `spec.areas[${i}].area`, message: `user area ${a.area} not found (continuum get userareas)` });
  const names = app ? new Set(app.components.map((c) => c.name)) : undefined;
  await checkLatencyAreas(spec.requirements?.latency, 'spec.requirements.latency', names, look, out);
  for (const [component, pin] of Object.entries(spec.placement?.pinned ?? {})) {
    if (names && !names.has(component))
      out.push({
        field: `spec.placement.pinned.${component}`,
        message: `no component ${component} in the application`,
      });
    if (!(await look.site(pin)))
      out.push({ field: `spec.placement.pinned.${component}`, message: `site ${pin} not found (continuum get sites)` });
  }
  for (const [component, o] of Object.entries(spec.overrides ?? {})) {
    if (names && !names.has(component))
      out.push({ field: `spec.overrides.${component}`, message: `no component ${component} in the application` });
    await checkEnv(o.env, `spec.overrides.${component}.env`, look, out);
  }
  const sch = spec.schedule;
  if (sch?.deadline !== undefined && !Number.isFinite(Date.parse(sch.deadline)))
    out.push({ field: 'spec.schedule.deadline', message: 'not a valid date-time' });
  else if (sch?.deadline !== undefined && sch.expectedDurationSeconds === undefined)
    out.push({
      field: 'spec.schedule.expectedDurationSeconds',
      message: 'required with a deadline (the run must fit between its start and the deadline)',
    });
  // Contradictions the deployment's own requirements bring in, merged over the application's.
  for (const c of app?.components ?? [{ name: '', requirements: undefined }]) {
    const errors = requirementConflicts([
      { req: app?.requirements, path: '(application) spec.requirements' },
      { req: c.requirements, path: `(application component ${c.name}) requirements` },
      { req: spec.requirements, path: 'spec.requirements' },
    ]);
    out.push(...errors.filter((e) => e.field.startsWith('spec.')));
  }
  return dedupe(out);
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.field}\n${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Throws 422 Invalid naming every problem, or returns. */
export function rejectIf(kind: string, errors: FieldError[]): void {
  if (!errors.length) return;
  const first = errors[0];
  throw new ApiError(
    'Invalid',
    `${kind} is invalid: ${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    errors,
  );
}

/**
 * Checks Applications and Deployments on create, and on update when the spec changed (status writes
 * and finalizer edits pass untouched). A Deployment's application must exist in its namespace (apply
 * -f orders Applications before Deployments); its areas, pinned sites and secrets must exist.
 */
export const referenceAdmission: Admission = async (op, kind, obj: AnyResource, old, store) => {
  if (op === 'delete' || (kind.kind !== 'Application' && kind.kind !== 'Deployment')) return;
  if (op === 'update' && old && jsonEqual(obj.spec, old.spec)) return;
  if (obj.metadata.deletionTimestamp) return;
  const namespace = obj.metadata.namespace!;
  const look = lookups(store, namespace);
  if (kind.kind === 'Application')
    return rejectIf('Application', await applicationProblems(obj.spec as ApplicationSpec, look));
  const spec = obj.spec as DeploymentSpec;
  const app = await store.get(ApplicationKind, namespace, spec.application);
  const errors = await deploymentProblems(spec, app?.spec, look);
  if (!app)
    errors.unshift({
      field: 'spec.application',
      message: `application ${spec.application} not found in namespace ${namespace} (create it first)`,
    });
  rejectIf('Deployment', errors);
};

export { lookups as referenceLookups };

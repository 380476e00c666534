// Server-side dry-run placement: where a Deployment (and its Application) would run and why, creating nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  API_VERSION,
  ApiError,
  ApplicationKind,
  DeploymentKind,
  NAME_PATTERN,
  ProviderKind,
  SiteKind,
  UserAreaKind,
  validateObject,
  WorkloadKind,
  type Application,
  type Deployment,
  type FieldError,
} from '../model/index.js';
import {
  applicationProblems,
  buildRequest,
  buildSnapshot,
  deploymentProblems,
  formatExplanation,
  place,
  referenceLookups,
  toPlacementStatus,
} from '../placement/index.js';
import type { Security } from '../security/port.js';
import type { Store } from '../store/index.js';
import { send } from './content.js';

export const PLACEMENT_PREVIEW_PATH = '/placement/v1/namespaces/:namespace/preview';
/** The label the deployment controller puts on the workloads of a deployment. */
const LABEL_DEPLOYMENT = 'continuum.eu/deployment';
const NAME = new RegExp(NAME_PATTERN);

/** What the preview answers: the decision as it would be stored in status.placement, plus its printable lines. */
export interface PlacementPreview {
  apiVersion: string;
  kind: 'PlacementPreview';
  namespace: string;
  deployment: string;
  application: string;
  /** True when every replica found a site. */
  placed: boolean;
  replicas: number;
  placement: NonNullable<Deployment['status']>['placement'];
  /** Plain-English explanation, as `continuum explain` prints it. */
  lines: string[];
}

const invalid = (detail: string, errors: FieldError[]): ApiError => new ApiError('Invalid', detail, errors);

/** An object of `kind` from the body, validated like a create (field paths prefixed with `at`). */
function objectFrom<T>(body: Record<string, unknown>, at: 'deployment' | 'application', namespace: string): T {
  const kind = at === 'deployment' ? DeploymentKind : ApplicationKind;
  const raw = body[at];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalid(`${at} must be a ${kind.kind} object`, [{ field: at, message: `a ${kind.kind} object is required` }]);
  const { status: _ignored, ...obj } = raw as Record<string, unknown> & { metadata?: { namespace?: string } };
  const meta = (obj.metadata ?? {}) as { namespace?: string };
  if (meta.namespace !== undefined && meta.namespace !== namespace)
    throw invalid(`${at} is in namespace ${meta.namespace}, the request in ${namespace}`, [
      { field: `${at}.metadata.namespace`, message: `must be ${namespace} (the namespace in the path)` },
    ]);
  const full = { ...obj, metadata: { ...meta, namespace } };
  const errors = validateObject(kind, full).map((e) => ({ ...e, field: `${at}.${e.field}` }));
  if (errors.length) throw invalid(`${kind.kind} is invalid: ${errors[0].field}: ${errors[0].message}`, errors);
  return full as T;
}

/**
 * Mounts `POST /placement/v1/namespaces/{namespace}/preview` with body `{ deployment, application? }`.
 * The caller must be allowed to create the Deployment (as for `apply`), and to read the Application
 * when it is not given inline. The decision is made exactly as the deployment controller would make
 * it for a new Deployment, against the current sites and load (the workloads of a Deployment of the
 * same name are left out: they would be replaced). Nothing is written; the answer is a PlacementPreview.
 */
export function placementPreviewRoutes(app: FastifyInstance, deps: { store: Store; security: Security }): void {
  const { store, security } = deps;
  app.post(PLACEMENT_PREVIEW_PATH, { config: { access: { kind: 'handler' } } }, async (req, reply) => {
    const { namespace } = (req as FastifyRequest<{ Params: { namespace: string } }>).params;
    if (!NAME.test(namespace))
      throw new ApiError('NotFound', `invalid namespace ${JSON.stringify(namespace)} in path`, [
        { field: 'path.namespace', message: 'not a valid name' },
      ]);
    const caller = req.continuum!.caller!;
    req.continuum!.action = 'placement-preview';
    req.continuum!.attrs = { verb: 'create', kind: DeploymentKind, namespace };
    await security.authorize(caller, { verb: 'create', kind: DeploymentKind, namespace });
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalid('the body must be an object { deployment, application? }', [
        { field: 'deployment', message: 'required' },
      ]);
    const dep = objectFrom<Deployment>(body as Record<string, unknown>, 'deployment', namespace);
    const name = dep.metadata.name;
    await security.authorize(caller, { verb: 'create', kind: DeploymentKind, namespace, name, object: dep });
    let application: Application | undefined;
    if ((body as Record<string, unknown>).application !== undefined) {
      application = objectFrom<Application>(body as Record<string, unknown>, 'application', namespace);
      if (application.metadata.name !== dep.spec.application)
        throw invalid(`the deployment uses application ${dep.spec.application}, not ${application.metadata.name}`, [
          {
            field: 'deployment.spec.application',
            message: `must name the application given (${application.metadata.name})`,
          },
        ]);
    } else {
      await security.authorize(caller, { verb: 'get', kind: ApplicationKind, namespace, name: dep.spec.application });
      application = await store.get(ApplicationKind, namespace, dep.spec.application);
      if (!application)
        throw invalid(`application ${dep.spec.application} not found in namespace ${namespace}`, [
          { field: 'deployment.spec.application', message: 'no such Application (give it inline as `application`)' },
        ]);
    }
    // The checks admission makes on create (references, contradictions), on both objects.
    const look = referenceLookups(store, namespace);
    const problems = [
      ...(await applicationProblems(application.spec, look)).map((e) => ({ ...e, field: `application.${e.field}` })),
      ...(await deploymentProblems(dep.spec, application.spec, look)).map((e) => ({
        ...e,
        field: `deployment.${e.field}`,
      })),
    ];
    if (problems.length)
      throw invalid(
        `${problems[0].field}: ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
        problems,
      );
    const now = new Date();
    const [sites, providers, areas, workloads] = await Promise.all([
      store.list(SiteKind),
      store.list(ProviderKind),
      store.list(UserAreaKind),
      store.list(WorkloadKind),
    ]);
    const others = workloads.items.filter(
      (w) => !(w.metadata.namespace === namespace && w.metadata.labels?.[LABEL_DEPLOYMENT] === name),
    );
    const snapshot = buildSnapshot({
      sites: sites.items,
      providers: providers.items,
      areas: areas.items,
      workloads: others,
      now,
    });
    const request = buildRequest(namespace, name, application.spec, dep.spec);
    const decision = place(snapshot, request, { seed: dep.spec.placement?.seed ?? 0 });
    const preview: PlacementPreview = {
      apiVersion: API_VERSION,
      kind: 'PlacementPreview',
      namespace,
      deployment: name,
      application: application.metadata.name,
      placed: decision.unplaced.length === 0,
      replicas: decision.assignments.length + decision.unplaced.length,
      placement: toPlacementStatus(decision, now.toISOString()),
      lines: formatExplanation(decision),
    };
    return send(req, reply, 200, preview);
  });
}

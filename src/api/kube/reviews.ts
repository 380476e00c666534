// SelfSubjectReview, SelfSubjectAccessReview (`kubectl auth whoami`, `kubectl auth can-i`) and SubjectAccessReview
// (an admin or auditor asking about another subject) answered from our RBAC.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allKinds, ApiError, isApiError } from '../../model/index.js';
import type { Caller, Security, Verb } from '../../security/port.js';
import { send } from '../content.js';
import { accessReviewSpec, isKubeProtobuf, unwrap, type AccessReviewSpec } from './protobuf.js';

export const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
export const SAR_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
export const SSR_PATH = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const VERBS = new Set(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);

/** The review's spec from a JSON or Kubernetes-protobuf body. */
function specOf(body: unknown): AccessReviewSpec {
  if (Buffer.isBuffer(body)) {
    if (!isKubeProtobuf(body)) throw new ApiError('MalformedBody', 'not a Kubernetes protobuf body');
    try {
      return accessReviewSpec(unwrap(body).raw);
    } catch (e) {
      throw new ApiError('MalformedBody', `malformed protobuf: ${(e as Error).message}`, [
        { field: '(body)', message: 'malformed protobuf' },
      ]);
    }
  }
  const spec = (body as { spec?: AccessReviewSpec } | undefined)?.spec;
  if (!spec || typeof spec !== 'object')
    throw new ApiError('Invalid', 'spec is required', [{ field: 'spec', message: 'required field missing' }]);
  return spec;
}

/** Allowed or not, with a reason; never throws for a well-formed question the caller may ask. */
async function decide(security: Security, caller: Caller, spec: AccessReviewSpec): Promise<Record<string, unknown>> {
  const r = spec.resourceAttributes;
  if (!r) return { allowed: false, reason: 'Continuum answers only resource questions' };
  const kind = allKinds().find((k) => k.group === (r.group ?? '') && k.plural === r.resource);
  if (!kind) return { allowed: false, reason: `no resource ${r.resource ?? ''} in group ${r.group ?? ''}` };
  if (!r.verb || !VERBS.has(r.verb)) return { allowed: false, reason: `verb ${r.verb ?? ''} is not answered` };
  const subresource = r.subresource === 'status' || r.subresource === 'logs' ? r.subresource : undefined;
  try {
    await security.authorize(caller, {
      verb: r.verb as Verb,
      kind,
      namespace: kind.namespaced ? r.namespace || undefined : undefined,
      name: r.name || undefined,
      subresource,
    });
    return { allowed: true };
  } catch (e) {
    if (isApiError(e, 'Forbidden')) return { allowed: false, reason: e.message };
    throw e;
  }
}

/** The subject a SubjectAccessReview asks about, as a caller holding only that subject's binding grants. */
function subjectOf(security: Security, spec: AccessReviewSpec): Caller {
  const user = spec.user;
  const groups = spec.groups ?? [];
  if (typeof user !== 'string' || !user || user.length > 512)
    throw new ApiError('Invalid', 'spec.user is required', [{ field: 'spec.user', message: 'required field missing' }]);
  if (!Array.isArray(groups) || groups.length > 64 || groups.some((g) => typeof g !== 'string' || g.length > 512))
    throw new ApiError('Invalid', 'spec.groups must be at most 64 strings', [
      { field: 'spec.groups', message: 'must be an array of at most 64 strings' },
    ]);
  if (!security.subjectCaller) throw new ApiError('NotImplemented', 'this server cannot evaluate other subjects');
  return security.subjectCaller(user, groups);
}

/** Registers the review routes; any authenticated caller may ask about itself (as in Kubernetes). */
export function reviewRoutes(app: FastifyInstance, deps: { security: Security }): void {
  void app.register(async (child) => {
    child.addContentTypeParser('application/vnd.kubernetes.protobuf', { parseAs: 'buffer' }, (_r, b, done) =>
      done(null, b),
    );
    child.post(SSAR_PATH, { config: { access: { kind: 'handler' } } }, async (req: FastifyRequest, reply) => {
      const caller = req.continuum!.caller!;
      req.continuum!.action = 'selfsubjectaccessreview:create';
      const spec = specOf(req.body);
      const status = await decide(deps.security, caller, spec);
      return send(req, reply, 201, {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: {},
        spec,
        status,
      });
    });
    child.post(SAR_PATH, { config: { access: { kind: 'handler' } } }, async (req: FastifyRequest, reply) => {
      req.continuum!.action = 'subjectaccessreview:create';
      await deps.security.authorizeNonResource(req.continuum!.caller!, 'accessreview:others');
      const spec = specOf(req.body);
      const status = await decide(deps.security, subjectOf(deps.security, spec), spec);
      return send(req, reply, 201, {
        kind: 'SubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: {},
        spec,
        status,
      });
    });
    child.post(SSR_PATH, { config: { access: { kind: 'handler' } } }, async (req, reply) => {
      const caller = req.continuum!.caller!;
      req.continuum!.action = 'selfsubjectreview:create';
      return send(req, reply, 201, {
        kind: 'SelfSubjectReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: {},
        status: {
          userInfo: {
            username: caller.subject,
            groups: [`continuum:${caller.kind}s`, 'system:authenticated'],
            ...(caller.site ? { extra: { 'continuum.eu/site': [caller.site] } } : {}),
          },
        },
      });
    });
  });
}

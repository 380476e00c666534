// SubjectAccessReview: admins and auditors ask what another subject may do, answered from RoleBindings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/testing/index.js';
import { BASE, startSecureEnv, type SecureEnv } from '../testing/secure-env.js';

const SAR = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const RBAC = BASE;
let env: SecureEnv;

const review = (token: string, spec: Record<string, unknown>) =>
  env.req(token, 'POST', SAR, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
const can = (user: string, verb: string, resource: string, namespace?: string, groups?: string[]) => ({
  user,
  ...(groups ? { groups } : {}),
  resourceAttributes: { verb, group: 'continuum.eu', resource, ...(namespace ? { namespace } : {}) },
});

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['team-a', 'team-b'] });
}, 60_000);
afterAll(() => env?.stop());

describe('SubjectAccessReview', () => {
  it('answers for a user bound in one tenant and for a group bound cluster-wide', async () => {
    const rb = await env.req(env.adminToken, 'POST', `${RBAC}/namespaces/team-a/rolebindings`, {
      metadata: { name: 'carol-dev' },
      spec: { role: 'end-user', subjects: [{ kind: 'User', name: 'corp:carol' }] },
    });
    expect(rb.status, rb.text).toBe(201);
    const crb = await env.req(env.adminToken, 'POST', `${RBAC}/clusterrolebindings`, {
      metadata: { name: 'ops-audit' },
      spec: { role: 'auditor', subjects: [{ kind: 'Group', name: 'ops' }] },
    });
    expect(crb.status, crb.text).toBe(201);
    // Bindings reach the index through a watch.
    const first = await waitFor(async () => {
      const r = await review(env.adminToken, can('corp:carol', 'list', 'workloads', 'team-a'));
      return r.body?.status?.allowed === true && r;
    }, 'the binding to be seen');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1' });
    expect(first.body.spec.user).toBe('corp:carol');
    const other = await review(env.adminToken, can('corp:carol', 'list', 'workloads', 'team-b'));
    expect(other.body.status.allowed).toBe(false);
    expect(other.body.status.reason).toBeTruthy();
    expect((await review(env.adminToken, can('corp:carol', 'delete', 'sites'))).body.status.allowed).toBe(false);
    const ops = await waitFor(async () => {
      const r = await review(env.adminToken, can('dave', 'list', 'sites', undefined, ['ops']));
      return r.body?.status?.allowed === true && r;
    }, 'the group binding to be seen');
    expect(ops.body.status.allowed).toBe(true);
    // The group grants nothing to whoever is not in it, and an auditor never deletes.
    expect((await review(env.adminToken, can('dave', 'list', 'sites'))).body.status.allowed).toBe(false);
    expect((await review(env.adminToken, can('dave', 'delete', 'sites', undefined, ['ops']))).body.status.allowed).toBe(
      false,
    );
  });

  it('an auditor may ask; a tenant user may not probe others; a review without a user is invalid', async () => {
    const auditor = await env.issue({ role: 'auditor', subject: 'aud' });
    expect((await review(auditor.token, can('nobody', 'get', 'sites'))).status).toBe(201);
    const user = await env.issue({ role: 'end-user', tenant: 'team-a', subject: 'eve' });
    const denied = await review(user.token, can('corp:carol', 'list', 'workloads', 'team-a'));
    expect(denied.status).toBe(403);
    // Asking about oneself stays open to everyone (SelfSubjectAccessReview).
    const self = await env.req(user.token, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      spec: { resourceAttributes: { verb: 'list', group: 'continuum.eu', resource: 'workloads', namespace: 'team-a' } },
    });
    expect(self.status).toBe(201);
    const noUser = await review(env.adminToken, { resourceAttributes: { verb: 'get', resource: 'sites' } });
    expect(noUser.status).toBe(422);
    expect(noUser.body.errors[0].field).toBe('spec.user');
    const badGroups = await review(env.adminToken, { user: 'x', groups: 'ops', resourceAttributes: {} });
    expect(badGroups.status).toBe(422);
  });
});

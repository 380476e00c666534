// The one error body: Kubernetes Status for JSON clients, problem+json otherwise, with the same members besides.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../model/index.js';
import { sendProblem } from '../problem.js';

async function answer(accept: string | undefined, err: ApiError) {
  const app = Fastify();
  app.get('/x', (req, reply) => sendProblem(req, reply, err));
  const r = await app.inject({ url: '/x', headers: accept ? { accept } : {} });
  await app.close();
  return { type: String(r.headers['content-type']), body: JSON.parse(r.body) as Record<string, unknown> };
}

const invalid = new ApiError('Invalid', 'Site "a" is invalid', [{ field: 'spec.category', message: 'must be one of' }]);

describe('renderError', () => {
  it.each<[string, string | undefined, string, unknown, unknown]>([
    ['kubectl / client-go', 'application/json, */*', 'application/json', 'Failure', 422],
    ['client-node', 'application/json', 'application/json', 'Failure', 422],
    ['no Accept (curl, fetch)', undefined, 'application/problem+json', 422, 'Invalid'],
    ['asks for problem+json', 'application/problem+json, application/json', 'application/problem+json', 422, 'Invalid'],
  ])('%s', async (_n, accept, type, status, code) => {
    const r = await answer(accept, invalid);
    expect(r.type).toContain(type);
    expect(r.body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      reason: 'Invalid',
      message: 'Site "a" is invalid',
      errorCode: 'Invalid',
      detail: 'Site "a" is invalid',
      title: 'Invalid object',
      errors: [{ field: 'spec.category', message: 'must be one of' }],
      details: { causes: [{ field: 'spec.category', message: 'must be one of', reason: 'FieldValueInvalid' }] },
      status,
      code,
    });
  });

  it.each<[ApiError['code'], string]>([
    ['NotFound', 'NotFound'],
    ['Gone', 'Expired'],
    ['Conflict', 'Conflict'],
    ['Unavailable', 'ServiceUnavailable'],
    ['TokenExpired', 'Unauthorized'],
  ])('%s has Kubernetes reason %s', async (code, reason) => {
    expect((await answer('application/json', new ApiError(code, 'x'))).body.reason).toBe(reason);
  });
});

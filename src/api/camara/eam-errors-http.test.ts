// CAMARA EAM error scenarios over real HTTP as Given/When/Then rows (every error the spec lists, tenancy attacks);
// every answer is validated against the published spec.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startCamara, stopCamara } from './testing/env.js';
import { aTenantsObjects } from './testing/givens.js';
import { APP_ROWS } from './testing/rows-apps.js';
import { LIFECYCLE_ROWS } from './testing/rows-lifecycle.js';
import type { Answer } from './testing/spec-validator.js';

beforeAll(startCamara, 120_000);
afterAll(stopCamara);

describe('Scenario outline: errors the spec lists, as Given/When/Then rows', () => {
  it.each([...APP_ROWS, ...LIFECYCLE_ROWS].map((r) => [r.scenario, r] as const))('%s', async (_name, row) => {
    const g = row.given ? await row.given() : {};
    const [who, m, url, body, h] = row.when(g);
    const a: Answer = await call(who, m, url, body, { 'x-correlator': 'row-1', ...h });
    expect(a.status).toBe(row.then.status);
    if (row.then.code) expect(a.body).toMatchObject({ status: row.then.status, code: row.then.code });
    if (!h?.['x-correlator']) expect(a.headers.get('x-correlator')).toBe('row-1');
    if (row.then.status === 200) expect(a.body).toEqual([]);
  });

  it("leaves tenant-a's objects untouched by tenant-b's attempts", async () => {
    const g = await aTenantsObjects();
    expect((await call('a', 'GET', `/app-instances/${g.instance}`)).status).toBe(200);
    expect((await call('a', 'GET', `/deployments/${g.deployment}`)).body.appDeploymentName).toBe('owned_dep');
  });
});

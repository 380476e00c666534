// The server's audit contract with any Security: awaited before the answer, failures turn into 503; 401s carry a challenge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, SqliteBackend } from '../store/index.js';
import { site } from '../model/testing/index.js';
import { createApiServer } from './server.js';
import type { AuditEntry } from '../security/port.js';
import { StaticTokenSecurity } from './testing/static-security.js';

class RecordingSecurity extends StaticTokenSecurity {
  entries: AuditEntry[] = [];
  fail = false;
  override async audit(e: AuditEntry): Promise<void> {
    await new Promise((r) => setTimeout(r, 20)); // a slow durable write: the answer must still wait for it
    if (this.fail) throw new Error('disk full');
    this.entries.push(e);
  }
}

const security = new RecordingSecurity('t');
const auth = { authorization: 'Bearer t' };
let store: Store;
let app: Awaited<ReturnType<typeof createApiServer>>;
beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }));
  app = await createApiServer({ store, security, version: 'test' });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

describe('server audit hook', () => {
  it('answers a mutation only after its record is accepted, and reads are not recorded', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/apis/continuum.eu/v1alpha1/sites',
      headers: { ...auth, 'x-request-id': 'r-1' },
      payload: site('s1'),
    });
    expect(r.statusCode).toBe(201);
    // The request id is the server's; the client's is kept beside it and echoed as X-Client-Request-Id.
    expect(r.headers['x-request-id']).not.toBe('r-1');
    expect(r.headers['x-client-request-id']).toBe('r-1');
    expect(security.entries.at(-1)).toMatchObject({
      requestId: r.headers['x-request-id'],
      clientRequestId: 'r-1',
      verb: 'create',
      resource: { kind: 'Site', name: 's1' },
      outcome: 'allowed',
      status: 201,
    });
    const n = security.entries.length;
    await app.inject({ url: '/apis/continuum.eu/v1alpha1/sites', headers: auth });
    expect(security.entries.length).toBe(n);
  });

  it('turns the answer into 503 when the record cannot be written', async () => {
    security.fail = true;
    try {
      const r = await app.inject({
        method: 'POST',
        url: '/apis/continuum.eu/v1alpha1/sites',
        headers: auth,
        payload: site('s2'),
      });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ code: 'Unavailable' });
    } finally {
      security.fail = false;
    }
  });

  it('records 401s with their code and a WWW-Authenticate challenge', async () => {
    const r = await app.inject({
      url: '/apis/continuum.eu/v1alpha1/sites',
      headers: { authorization: 'Bearer nope', 'x-request-id': 'r-401' },
    });
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="continuum", error="invalid_token"');
    expect(security.entries.at(-1)).toMatchObject({
      clientRequestId: 'r-401',
      outcome: 'unauthenticated',
      status: 401,
      code: 'TokenInvalid',
    });
  });
});

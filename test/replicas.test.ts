// Several control-plane replicas on one PostgreSQL schema: all serve the API, exactly one leads the controllers.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { namespace, provider } from '../src/model/testing/index.js';
import { adminToken, api, killHard, PG_URL, startChild, tempDir, waitFor, type Child } from './harness.js';

const BASE = '/apis/continuum.eu/v1alpha1';
const schema = `replicas_${randomBytes(4).toString('hex')}`;
const children: Child[] = [];

afterAll(async () => {
  for (const c of children) await killHard(c);
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

describe('control-plane replicas on PostgreSQL', () => {
  it('serve the API together; the leader lease moves when the leader is killed', async () => {
    const dataDir = tempDir('replicas');
    const start = async (): Promise<Child> => {
      const c = await startChild(
        [
          'server',
          '--data-dir',
          dataDir,
          '--port',
          '0',
          '--postgres',
          PG_URL,
          '--schema',
          schema,
          '--lease-seconds',
          '2',
        ],
        /listening on (\S+)/,
      );
      children.push(c);
      return c;
    };
    const a = await start();
    const b = await start();
    const token = adminToken(dataDir);
    const role = async (c: Child): Promise<string> => (await api(c.url, token, 'GET', '/version')).body.controllers;
    await waitFor(
      async () => [await role(a), await role(b)].sort().join() === 'leader,standby',
      'one leader and one standby',
      15_000,
    );

    // A write through one replica is read and watched through the other.
    const watch = fetch(`${b.url}${BASE}/providers?watch=true&timeoutSeconds=5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const created = await api(a.url, token, 'POST', `${BASE}/providers`, provider('p1'));
    expect(created.status).toBe(201);
    expect((await api(b.url, token, 'GET', `${BASE}/providers/p1`)).body.metadata.uid).toBe(created.body.metadata.uid);
    const text = await (await watch).text();
    expect(text).toContain('"name":"p1"');

    const leader = (await role(a)) === 'leader' ? a : b;
    const standby = leader === a ? b : a;
    await killHard(leader);
    await waitFor(async () => (await role(standby)) === 'leader', 'the standby to take over', 15_000);
    const lease = await api(standby.url, token, 'GET', `${BASE}/leases/continuum-controllers`);
    expect(lease.body.spec.holderIdentity).toMatch(new RegExp(`-${standby.proc.pid}$`));
    expect(lease.body.spec.leaseTransitions).toBeGreaterThanOrEqual(1);

    // The new leader's controllers work: a namespace is emptied and removed on delete.
    expect((await api(standby.url, token, 'POST', `${BASE}/namespaces`, namespace('team-x'))).status).toBe(201);
    await api(standby.url, token, 'DELETE', `${BASE}/namespaces/team-x`);
    await waitFor(
      async () => (await api(standby.url, token, 'GET', `${BASE}/namespaces/team-x`)).status === 404,
      'namespace team-x to be gone',
    );
  }, 60_000);
});

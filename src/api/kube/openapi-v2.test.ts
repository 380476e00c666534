// /openapi/v2 is a valid Swagger 2.0 document (checked by a Swagger 2.0 validator) that carries every kind's GVK.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allKinds } from '../../model/index.js';
import '../../security/index.js'; // registers the security kinds the document refers to
import { Store, SqliteBackend } from '../../store/index.js';
import { createApiServer } from '../server.js';
import { StaticTokenSecurity } from '../testing/static-security.js';
import { toSwaggerSchema } from './openapi-v2.js';

const auth = { authorization: 'Bearer t' };
let app: FastifyInstance;
let store: Store;

beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }), { watchPollMs: 50 });
  app = await createApiServer({ store, security: new StaticTokenSecurity('t'), version: 'test' });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

describe('/openapi/v2', () => {
  it('is valid Swagger 2.0 (schema and $refs) with x-kubernetes-group-version-kind on every kind', async () => {
    const r = await app.inject({ url: '/openapi/v2', headers: auth });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.swagger).toBe('2.0');
    // Throws with the offending path when the document breaks the Swagger 2.0 schema or a $ref dangles.
    await SwaggerParser.validate(structuredClone(doc));
    // The validator is not vacuous: a 3.x keyword in a definition is refused.
    const bad = structuredClone(doc);
    bad.definitions.Site.properties.spec.oneOf = [{ type: 'object' }];
    await expect(SwaggerParser.validate(bad)).rejects.toThrow();
    for (const k of allKinds()) {
      expect(doc.definitions[k.kind]['x-kubernetes-group-version-kind']).toEqual([
        { group: k.group, version: k.version, kind: k.kind },
      ]);
    }
    const site = doc.definitions.Site;
    expect(site.properties.spec.properties.provider.type).toBe('string');
    const get = doc.paths['/apis/continuum.eu/v1alpha1/sites/{name}'].get;
    expect(get['x-kubernetes-group-version-kind']).toEqual({
      group: 'continuum.eu',
      version: 'v1alpha1',
      kind: 'Site',
    });
    expect(JSON.stringify(doc)).not.toContain('#/components/');
    expect((await app.inject({ url: '/openapi/v2' })).statusCode).toBe(401);
    // client-go asks for gnostic's protobuf: field 1 (swagger) = "2.0" first, the definitions inside.
    const pb = await app.inject({
      url: '/openapi/v2',
      headers: { ...auth, accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    expect(pb.headers['content-type']).toContain('protobuf');
    expect([...pb.rawPayload.subarray(0, 5)]).toEqual([0x0a, 0x03, 0x32, 0x2e, 0x30]);
    expect(pb.rawPayload.includes(Buffer.from('x-kubernetes-group-version-kind'))).toBe(true);
  });

  it('rewrites what Swagger 2.0 cannot say: const, numeric exclusive bounds, literal and nullable unions', () => {
    expect(toSwaggerSchema({ const: 'a', type: 'string' })).toEqual({ enum: ['a'], type: 'string' });
    expect(toSwaggerSchema({ type: 'number', exclusiveMinimum: 0 })).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
    });
    expect(
      toSwaggerSchema({
        anyOf: [
          { const: 'x', type: 'string' },
          { const: 'y', type: 'string' },
        ],
      }),
    ).toEqual({
      type: 'string',
      enum: ['x', 'y'],
    });
    expect(toSwaggerSchema({ anyOf: [{ type: 'integer' }, { type: 'null' }] })).toEqual({ type: 'integer' });
    expect(toSwaggerSchema({ anyOf: [{ type: 'integer' }, { type: 'string' }], description: 'd' })).toEqual({
      description: 'd',
    });
    expect(toSwaggerSchema({ patternProperties: { a: {} }, type: 'object' })).toEqual({ type: 'object' });
  });
});

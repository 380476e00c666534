// Generates the OpenAPI 3.1 document from the kind registry (the same schemas that validate requests).
import { allKinds, apiVersionOf, objectSchema, type KindDef } from '../model/index.js';
import { securityOpenApiPaths } from './openapi-security.js';
import { placementPreviewOpenApiPaths } from './placement-preview.js';

const problemRef = { $ref: '#/components/schemas/Problem' };
const errors = Object.fromEntries(
  ['400', '401', '403', '404', '409', '410', '413', '415', '422', '429'].map((c) => [
    c,
    { description: 'Problem', content: { 'application/problem+json': { schema: problemRef } } },
  ]),
);

function ops(k: KindDef, scope: 'collection' | 'item' | 'status' | 'logs'): Record<string, unknown> {
  const ref = { $ref: `#/components/schemas/${k.kind}` };
  const body = {
    required: true,
    content: { 'application/json': { schema: ref }, 'application/yaml': { schema: ref } },
  };
  const one = { '200': { description: k.kind, content: { 'application/json': { schema: ref } } }, ...errors };
  const tag = [k.kind];
  const q = (name: string, description: string, type = 'string'): unknown => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: { type },
  });
  switch (scope) {
    case 'collection':
      return {
        get: {
          tags: tag,
          summary: `List or watch ${k.plural}`,
          operationId: `list${k.kind}`,
          parameters: [
            q('labelSelector', 'e.g. tier=web,env in (prod)'),
            q(
              'fieldSelector',
              `fields: metadata.name, metadata.namespace${k.selectableFields.map((f) => `, ${f}`).join('')}`,
            ),
            q('limit', 'page size', 'integer'),
            q('continue', 'token from the previous page'),
            q('watch', 'stream changes as Server-Sent Events', 'boolean'),
            q('resourceVersion', 'watch changes after this version'),
            q('timeoutSeconds', 'end the watch after', 'integer'),
            q('allowWatchBookmarks', 'send BOOKMARK events', 'boolean'),
          ],
          responses: {
            '200': {
              description: `${k.kind}List, or text/event-stream when watching`,
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { items: { type: 'array', items: ref } } },
                },
                'text/event-stream': {},
              },
            },
            ...errors,
          },
        },
        post: {
          tags: tag,
          summary: `Create a ${k.kind}`,
          operationId: `create${k.kind}`,
          parameters: [q('dryRun', 'All (or true): validate and admit, store nothing', 'string')],
          requestBody: body,
          responses: { '201': one['200'], ...errors },
        },
      };
    case 'item':
      return {
        get: { tags: tag, summary: `Read a ${k.kind}`, operationId: `read${k.kind}`, responses: one },
        put: {
          tags: tag,
          summary: `Replace a ${k.kind} (spec and metadata; status is ignored)`,
          operationId: `replace${k.kind}`,
          parameters: [q('dryRun', 'All (or true): validate and admit, store nothing', 'string')],
          requestBody: body,
          responses: one,
        },
        patch: {
          tags: tag,
          summary: `Patch a ${k.kind} (application/merge-patch+json; application/apply-patch+yaml creates or updates)`,
          operationId: `patch${k.kind}`,
          parameters: [q('dryRun', 'All (or true): validate and admit, store nothing', 'string')],
          requestBody: {
            required: true,
            content: {
              'application/merge-patch+json': { schema: { type: 'object' } },
              'application/apply-patch+yaml': { schema: ref },
            },
          },
          responses: one,
        },
        delete: {
          tags: tag,
          summary: `Delete a ${k.kind}`,
          operationId: `delete${k.kind}`,
          responses: { ...one, '202': { description: 'deletion pending finalizers' } },
        },
      };
    case 'status':
      return {
        get: {
          tags: tag,
          summary: `Read the status of a ${k.kind}`,
          operationId: `read${k.kind}Status`,
          responses: one,
        },
        put: {
          tags: tag,
          summary: `Replace the status of a ${k.kind}`,
          operationId: `replace${k.kind}Status`,
          requestBody: body,
          responses: one,
        },
        patch: {
          tags: tag,
          summary: `Patch the status of a ${k.kind}`,
          operationId: `patch${k.kind}Status`,
          requestBody: { required: true, content: { 'application/merge-patch+json': { schema: { type: 'object' } } } },
          responses: one,
        },
      };
    case 'logs':
      return {
        get: {
          tags: tag,
          summary: 'Read workload logs',
          operationId: 'readWorkloadLogs',
          parameters: [
            q('follow', 'keep streaming', 'boolean'),
            q('tailLines', 'last N lines', 'integer'),
            q('previous', 'the run before the last restart', 'boolean'),
            q('sinceSeconds', 'only lines of the last N seconds', 'integer'),
            q('sinceTime', 'only lines since this RFC 3339 time'),
          ],
          responses: { '200': { description: 'log lines', content: { 'text/plain': {} } }, ...errors },
        },
      };
  }
}

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Problem: {
      type: 'object',
      required: ['type', 'title', 'status', 'detail', 'code'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string' },
        instance: { type: 'string' },
        requestId: { type: 'string' },
        errors: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  };
  for (const k of allKinds()) {
    const { $id: _id, ...schema } = objectSchema(k) as Record<string, unknown>;
    schemas[k.kind] = { ...schema, description: k.description };
    const base = `/apis/${apiVersionOf(k)}`;
    const coll = k.namespaced ? `${base}/namespaces/{namespace}/${k.plural}` : `${base}/${k.plural}`;
    const nsParam = k.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }] : [];
    const nameParam = [...nsParam, { name: 'name', in: 'path', required: true, schema: { type: 'string' } }];
    paths[coll] = { parameters: nsParam, ...ops(k, 'collection') };
    if (k.namespaced)
      paths[`${base}/${k.plural}`] = {
        get: {
          ...(ops(k, 'collection').get as object),
          operationId: `list${k.kind}AllNamespaces`,
          summary: `List or watch ${k.plural} across namespaces`,
        },
      };
    paths[`${coll}/{name}`] = { parameters: nameParam, ...ops(k, 'item') };
    paths[`${coll}/{name}/status`] = { parameters: nameParam, ...ops(k, 'status') };
    if (k.kind === 'Workload') paths[`${coll}/{name}/logs`] = { parameters: nameParam, ...ops(k, 'logs') };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Continuum native API',
      version,
      description: 'Kubernetes-style resource API of the Continuum cloud-edge control plane.',
    },
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: { ...paths, ...securityOpenApiPaths(), ...placementPreviewOpenApiPaths() },
  };
}

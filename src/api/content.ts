// Request body parsing (JSON, YAML, merge patch) and response encoding (JSON or YAML by Accept).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseAllDocuments, stringify } from 'yaml';
import { ApiError } from '../model/index.js';

/** Parses one YAML document safely (bounded aliases, unique keys). */
export function parseYamlBody(text: string): unknown {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  if (!Array.isArray(docs)) throw new ApiError('MalformedBody', 'empty YAML body');
  const real = docs.filter((d) => d.contents !== null);
  if (real.length !== 1)
    throw new ApiError('MalformedBody', `expected exactly one YAML document, got ${real.length}`, [
      { field: '(body)', message: 'one document per request' },
    ]);
  const doc = real[0];
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ApiError('MalformedBody', `malformed YAML: ${e.message.split('\n')[0]}`, [
      { field: '(body)', message: e.code },
    ]);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ApiError('MalformedBody', `malformed YAML: ${(e as Error).message}`, [
      { field: '(body)', message: 'unresolvable YAML' },
    ]);
  }
}

function parseJsonBody(text: string): unknown {
  if (!text.trim()) throw new ApiError('MalformedBody', 'empty body', [{ field: '(body)', message: 'empty' }]);
  try {
    return JSON.parse(text, (k, v) => (k === '__proto__' ? undefined : v));
  } catch (e) {
    throw new ApiError('MalformedBody', `malformed JSON: ${(e as Error).message}`, [
      { field: '(body)', message: 'not valid JSON' },
    ]);
  }
}

export function registerContentParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const json = [
    'application/json',
    'application/merge-patch+json',
    'application/apply-patch+json',
    'application/json-patch+json',
    'application/problem+json',
  ];
  const yaml = ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/apply-patch+yaml'];
  app.addContentTypeParser(json, { parseAs: 'string' }, (req, body, done) => {
    try {
      // A bodiless DELETE labelled JSON (client-node, kubectl) means "no DeleteOptions".
      if (req.method === 'DELETE' && !(body as string).trim()) return done(null, undefined);
      done(null, parseJsonBody(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.addContentTypeParser(yaml, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseYamlBody(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  // Streams (agent tunnel uploads) are handed to the route as-is.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
}

/** True when the client asked for YAML. */
export const wantsYaml = (req: FastifyRequest): boolean =>
  /\b(application|text)\/(x-)?yaml\b/.test(String(req.headers.accept ?? ''));

export function send(req: FastifyRequest, reply: FastifyReply, status: number, body: unknown): FastifyReply {
  if (wantsYaml(req)) return reply.code(status).type('application/yaml').send(stringify(body));
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

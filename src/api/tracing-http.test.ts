// Traces: an in-process OTLP/HTTP receiver on loopback gets the API's server span, child of the caller's traceparent.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../controlplane/index.js';
import { startTracing, type Tracing } from '../lib/tracing/index.js';
import { waitFor } from '../lib/testing/index.js';
import { API_VERSION } from '../model/index.js';
import { application, deployment } from '../model/testing/index.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}
const spans: OtlpSpan[] = [];
const attrOf = (s: OtlpSpan, k: string) => s.attributes.find((a) => a.key === k)?.value;
const contentTypes: string[] = [];
let receiver: Server;
let tracing: Tracing | undefined;
let cp: ControlPlane;
const dir = mkdtempSync(join(tmpdir(), 'continuum-trace-'));

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      contentTypes.push(String(req.headers['content-type']));
      if (req.url === '/v1/traces') {
        const doc = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
        for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const port = (receiver.address() as { port: number }).port;
  tracing = startTracing({ endpoint: `http://127.0.0.1:${port}`, immediate: true, serviceName: 'test' });
  cp = await startControlPlane({ dataDir: dir, port: 0, runtimePolicy: 'allow-all' });
}, 60_000);
afterAll(async () => {
  await cp?.stop();
  await tracing?.shutdown();
  receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OTLP/HTTP trace export', () => {
  it('exports a server span per request, joined to the trace the caller sent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const r = await fetch(`${cp.url}/apis/${API_VERSION}/sites`, {
      headers: { authorization: `Bearer ${cp.adminToken}`, traceparent: `00-${traceId}-${parent}-01` },
    });
    expect(r.status).toBe(200);
    const span = await waitFor(() => spans.find((s) => s.traceId === traceId), 'the exported span', 20_000);
    expect(span).toMatchObject({ parentSpanId: parent, name: 'GET /apis/*', kind: 2 });
    const attr = (k: string) => span.attributes.find((a) => a.key === k)?.value;
    expect(attr('http.response.status_code')).toEqual({ intValue: 200 });
    expect(attr('continuum.resource')).toEqual({ stringValue: 'sites' });
    expect(contentTypes).toContain('application/json');
  });

  it('carries the trace of a write into the reconcile it causes (API → controller)', async () => {
    const traceId = 'aaf92f3577b34da6a3ce929d0e0e4736';
    const headers = {
      authorization: `Bearer ${cp.adminToken}`,
      'content-type': 'application/json',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    };
    const base = `${cp.url}/apis/${API_VERSION}/namespaces/default`;
    const app = await fetch(`${base}/applications`, {
      method: 'POST',
      headers,
      body: JSON.stringify(application('default', 'traced')),
    });
    expect(app.status).toBe(201);
    const dep = await fetch(`${base}/deployments`, {
      method: 'POST',
      headers,
      body: JSON.stringify(deployment('default', 'traced')),
    });
    expect(dep.status).toBe(201);
    const post = await waitFor(
      () =>
        spans.find(
          (s) =>
            s.traceId === traceId &&
            s.name === 'POST /apis/*' &&
            attrOf(s, 'continuum.resource')?.stringValue === 'deployments',
        ),
      'the API span of the Deployment create',
      20_000,
    );
    const reconcile = await waitFor(
      () => spans.find((s) => s.traceId === traceId && s.name === 'reconcile deployment'),
      'the deployment reconcile span in the same trace',
      20_000,
    );
    expect(reconcile.parentSpanId).toBe(post.spanId);
    expect(attrOf(reconcile, 'continuum.key')).toEqual({ stringValue: 'default/traced' });
  });

  it('starts a new trace when the caller sends none or a malformed traceparent', async () => {
    const before = spans.length;
    await fetch(`${cp.url}/healthz`, { headers: { traceparent: '00-zz-not-a-trace-01' } });
    const span = await waitFor(() => spans.slice(before).find((s) => s.name === 'GET /healthz'), 'a healthz span');
    expect(span.parentSpanId ?? '').toBe('');
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

// Test environment: an in-process control plane with ContinuumSecurity on a temp data dir, driven through HTTP (inject).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../controlplane/index.js';
import { API_VERSION, NamespaceKind, SiteKind, type SiteSpec } from '../../model/index.js';
import { namespace, site } from '../../model/testing/index.js';

export const BASE = `/apis/${API_VERSION}`;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  /** Parsed JSON body (undefined when not JSON). */
  body: any;
}

export interface SecureEnv {
  cp: ControlPlane;
  dir: string;
  dataDir: string;
  /** The admin.token of the data dir (the `continuum up` token). */
  adminToken: string;
  req(
    token: string | undefined,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer>;
  /** Issues a built-in token through POST /auth/v1/tokens as admin (or as `by`). */
  issue(body: Record<string, unknown>, by?: string): Promise<{ token: string; id: string }>;
  /** Bootstrap token for `site` exchanged at POST /agent/v1/bootstrap: the agent's credential. */
  agentToken(site: string): Promise<string>;
  stop(): Promise<void>;
}

export const siteSpec = (): SiteSpec => ({
  provider: 'p',
  category: 'far-edge',
  location: { country: 'DE', latitude: 50.1, longitude: 8.7 },
  capacity: { cpu: 4, memory: '8Gi' },
});

/**
 * Starts a control plane like `continuum server` (ContinuumSecurity, the agent tunnel plugin) on
 * a fresh data dir, with namespaces `namespaces` and sites `sites` created. Controllers keep
 * running unless `runControllers: false` (matrix tests stop them so nothing races the fixtures).
 * Every namespace may run anything unless `runtimePolicy: 'enforce'` is given (ADR 0024).
 */
export async function startSecureEnv(
  o: Partial<ControlPlaneOptions> & { namespaces?: string[]; sites?: string[]; runControllers?: boolean } = {},
): Promise<SecureEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'ctm-sec-http-'));
  const dataDir = join(dir, 'data');
  const { namespaces = [], sites = [], runControllers = true, ...rest } = o;
  const cp = await startControlPlane({
    dataDir,
    port: 0,
    synchronous: 'NORMAL',
    // Harness default: no RuntimePolicy needed (suites about runtime policy pass `runtimePolicy: 'enforce'`).
    runtimePolicy: 'allow-all',
    ...rest,
  });
  if (!runControllers) await cp.manager.stop();
  for (const name of namespaces) await cp.store.create(NamespaceKind, namespace(name));
  for (const name of sites) await cp.store.create(SiteKind, site(name, { spec: siteSpec() }));

  const req: SecureEnv['req'] = async (token, method, url, body, headers = {}) => {
    const r = await cp.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        // Watches here are read as SSE (NDJSON, the default for other clients, is tested in src/api/kube).
        ...(/[?&]watch=(true|1)/.test(url) ? { accept: 'text/event-stream' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(r.body);
    } catch {
      parsed = undefined;
    }
    return { status: r.statusCode, headers: r.headers, text: r.body, body: parsed };
  };
  const issue: SecureEnv['issue'] = async (body, by = cp.adminToken) => {
    const r = await req(by, 'POST', '/auth/v1/tokens', { ttlSeconds: 3600, ...body });
    if (r.status !== 201) throw new Error(`issue ${JSON.stringify(body)}: ${r.status} ${r.text}`);
    return { token: r.body.token, id: r.body.record.metadata.name };
  };
  const agentToken = async (site: string): Promise<string> => {
    const boot = await issue({ role: 'agent', site, bootstrap: true, ttlSeconds: 600 });
    const r = await req(boot.token, 'POST', '/agent/v1/bootstrap');
    if (r.status !== 201) throw new Error(`bootstrap ${site}: ${r.status} ${r.text}`);
    return r.body.token as string;
  };
  return {
    cp,
    dir,
    dataDir,
    adminToken: cp.adminToken,
    req,
    issue,
    agentToken,
    async stop() {
      await cp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

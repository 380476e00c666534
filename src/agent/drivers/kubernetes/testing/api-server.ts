// Test support: an in-process HTTP server with the Kubernetes API subset the driver uses (SSA, GET, LIST/WATCH, ...).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadYaml } from '@kubernetes/client-node';
import type { KubeObject } from '../render.js';

/** A served resource: where it lives in the URL space and whether it is namespaced. */
interface Kind {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const KINDS: Kind[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
];

const apiVersionOf = (k: Kind): string => (k.group ? `${k.group}/${k.version}` : k.version);

export interface StoredEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: Kind;
  object: KubeObject;
}

/** A label selector (equality, inequality and existence terms) as a predicate. */
export function matchesSelector(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  return selector.split(',').every((term) => {
    const t = term.trim();
    if (!t) return true;
    const ne = /^([^!=]+)!=(.*)$/.exec(t);
    if (ne) return l[ne[1]!.trim()] !== ne[2]!.trim();
    const eq = /^([^=]+)==?(.*)$/.exec(t);
    if (eq) return l[eq[1]!.trim()] === eq[2]!.trim();
    if (t.startsWith('!')) return !(t.slice(1) in l);
    return t in l;
  });
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }));
}

const json = (res: ServerResponse, code: number, body: unknown): void => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * The object store and its HTTP face. Objects are kept in memory with resourceVersions, uids and generations;
 * every change is an event that watches stream. Server-side apply is simplified to one field manager: the
 * applied top-level fields replace the stored ones (status and server-set metadata are kept).
 */
export class KubeApiServer {
  readonly objects = new Map<string, { kind: Kind; object: KubeObject }>();
  readonly events: StoredEvent[] = [];
  private rv = 1;
  private ips = 10;
  private server?: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly subscribers = new Set<(e: StoredEvent) => void>();
  /** Requests served, by "METHOD kind" (what tests assert the driver really did). */
  readonly requests: string[] = [];
  /** Extra routes (the kubelet's pod logs) tried before the object routes. */
  logs?: (ns: string, pod: string, q: URLSearchParams, res: ServerResponse) => void;

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.end();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** A kubeconfig for this server (plain HTTP on loopback, no credentials). */
  kubeconfig(url: string): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      // client-node refuses plain HTTP unless TLS verification is off; loopback only, no credentials are sent.
      'clusters: [{name: test, cluster: {server: "' + url + '", insecure-skip-tls-verify: true}}]',
      'users: [{name: test, user: {}}]',
      'contexts: [{name: test, context: {cluster: test, user: test}}]',
      'current-context: test',
    ].join('\n');
  }

  onEvent(f: (e: StoredEvent) => void): () => void {
    this.subscribers.add(f);
    return () => this.subscribers.delete(f);
  }

  private key = (k: Kind, ns: string | undefined, name: string): string =>
    `${apiVersionOf(k)}/${k.plural}/${k.namespaced ? (ns ?? '') : ''}/${name}`;

  kindOf(kind: string): Kind {
    return KINDS.find((k) => k.kind === kind)!;
  }

  get(kind: string, ns: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(this.key(this.kindOf(kind), ns, name))?.object;
  }

  list(kind: string, ns?: string, selector?: string): KubeObject[] {
    const k = this.kindOf(kind);
    return [...this.objects.values()]
      .filter((o) => o.kind === k && (ns === undefined || o.object.metadata.namespace === ns))
      .map((o) => o.object)
      .filter((o) => matchesSelector(o.metadata.labels, selector ?? null));
  }

  /** Stores `obj` (create or replace) and records the event; returns what was stored. */
  put(kind: string, obj: KubeObject): KubeObject {
    const k = this.kindOf(kind);
    const key = this.key(k, obj.metadata.namespace, obj.metadata.name);
    const old = this.objects.get(key)?.object;
    const rv = ++this.rv;

    const specChanged = JSON.stringify((old as any)?.spec) !== JSON.stringify((obj as any).spec);
    const stored: KubeObject = {
      ...obj,
      apiVersion: apiVersionOf(k),
      kind: k.kind,
      metadata: {
        ...obj.metadata,
        uid: old?.metadata.uid ?? randomUUID(),
        creationTimestamp: old?.metadata.creationTimestamp ?? new Date().toISOString(),
        resourceVersion: String(rv),
        generation: Number(old?.metadata.generation ?? 0) + (old && !specChanged ? 0 : 1),
      },
    };
    if (k.kind === 'Service') {
      const spec = ((stored as any).spec ??= {});

      spec.clusterIP = (old as any)?.spec?.clusterIP ?? `10.96.0.${this.ips++}`;
    }
    this.objects.set(key, { kind: k, object: stored });
    this.record({ rv, type: old ? 'MODIFIED' : 'ADDED', kind: k, object: stored });
    return stored;
  }

  /** Removes an object (and, for a namespace, everything in it); false when there was none. */
  remove(kind: string, ns: string | undefined, name: string): boolean {
    const k = this.kindOf(kind);
    const key = this.key(k, ns, name);
    const old = this.objects.get(key);
    if (!old) return false;
    if (k.kind === 'Namespace')
      for (const [kk, o] of [...this.objects])
        if (o.kind.namespaced && o.object.metadata.namespace === name) this.drop(kk);
    this.drop(key);
    return true;
  }

  private drop(key: string): void {
    const o = this.objects.get(key)!;
    this.objects.delete(key);
    const rv = ++this.rv;
    this.record({
      rv,
      type: 'DELETED',
      kind: o.kind,
      object: { ...o.object, metadata: { ...o.object.metadata, resourceVersion: String(rv) } },
    });
  }

  private record(e: StoredEvent): void {
    this.events.push(e);
    for (const s of this.subscribers) s(e);
  }

  private async body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (e) {
      if (!res.headersSent) status(res, 500, 'InternalError', (e as Error).message);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (p === '/version') return json(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0-continuum-test' });
    const disco = /^\/(?:api\/(v1)|apis\/([^/]+)\/(v1))$/.exec(p);
    if (disco) {
      const group = disco[2] ?? '';
      const resources = KINDS.filter((k) => k.group === group).map((k) => ({
        name: k.plural,
        singularName: k.kind.toLowerCase(),
        namespaced: k.namespaced,
        kind: k.kind,
        verbs: ['get', 'list', 'watch', 'patch', 'delete'],
      }));
      return json(res, 200, { kind: 'APIResourceList', groupVersion: group ? `${group}/v1` : 'v1', resources });
    }
    const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(p);
    if (log && this.logs) return this.logs(log[1]!, log[2]!, url.searchParams, res);
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    if (!m) return status(res, 404, 'NotFound', `no route ${p}`);
    // /api/v1/namespaces/<name> matches as plural "namespaces" and name <name> (the optional group backtracks).
    const [, group = '', ns, plural, name] = m;
    const k = KINDS.find((x) => x.group === group && x.plural === plural);
    if (!k) return status(res, 404, 'NotFound', `the server could not find the requested resource ${p}`);
    this.requests.push(`${req.method} ${k.kind}`);
    const q = url.searchParams;
    if (req.method === 'GET' && !name) {
      if (q.get('watch') === 'true' || q.get('watch') === '1') return this.watch(k, ns, q, res);
      const items = this.list(k.kind, ns, q.get('labelSelector') ?? undefined);
      return json(res, 200, {
        kind: `${k.kind}List`,
        apiVersion: apiVersionOf(k),
        metadata: { resourceVersion: String(this.rv) },
        items,
      });
    }
    if (!name) return status(res, 405, 'MethodNotAllowed', `${req.method} on a collection`);
    if (req.method === 'GET') {
      const o = this.get(k.kind, ns, name);
      return o ? json(res, 200, o) : status(res, 404, 'NotFound', `${k.plural} "${name}" not found`);
    }
    if (req.method === 'DELETE') {
      await this.body(req);
      return this.remove(k.kind, ns, name)
        ? json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' })
        : status(res, 404, 'NotFound', `${k.plural} "${name}" not found`);
    }
    if (req.method === 'PATCH') return this.apply(k, ns, name, req, q, res);
    return status(res, 405, 'MethodNotAllowed', String(req.method));
  }

  private async apply(
    k: Kind,
    ns: string | undefined,
    name: string,
    req: IncomingMessage,
    q: URLSearchParams,
    res: ServerResponse,
  ): Promise<void> {
    if (req.headers['content-type'] !== 'application/apply-patch+yaml')
      return status(res, 415, 'UnsupportedMediaType', 'only server-side apply is served here');
    if (!q.get('fieldManager')) return status(res, 422, 'Invalid', 'fieldManager is required for apply patch');
    const obj = loadYaml<KubeObject>(await this.body(req));
    if (obj.kind !== k.kind || obj.metadata?.name !== name)
      return status(res, 400, 'BadRequest', 'the body names another object than the URL');
    if (k.namespaced && !this.get('Namespace', undefined, ns!))
      return status(res, 404, 'NotFound', `namespaces "${ns}" not found`);
    const old = this.get(k.kind, ns, name);
    const { status: _s, ...fields } = obj;
    const merged: KubeObject = {
      ...(old ?? {}),
      ...fields,
      metadata: { ...(old?.metadata ?? {}), ...obj.metadata, ...(k.namespaced ? { namespace: ns } : {}) },
    } as KubeObject;
    json(res, old ? 200 : 201, this.put(k.kind, merged));
  }

  private watch(k: Kind, ns: string | undefined, q: URLSearchParams, res: ServerResponse): void {
    const from = Number(q.get('resourceVersion') ?? this.rv);
    const selector = q.get('labelSelector');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders(); // client-node's Watch resolves once the headers arrive
    this.streams.add(res);
    const send = (e: StoredEvent): void => {
      if (e.kind !== k || e.rv <= from) return;
      if (ns && e.object.metadata.namespace !== ns) return;
      if (!matchesSelector(e.object.metadata.labels, selector)) return;
      res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    };
    for (const e of this.events) send(e);
    const off = this.onEvent(send);
    res.on('close', () => {
      off();
      this.streams.delete(res);
    });
  }

  /** Ends every open watch (as an API server does at its watch timeout): clients must relist and watch again. */
  endWatches(): void {
    for (const s of this.streams) s.end();
  }
}

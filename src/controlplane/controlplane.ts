// Assembles one control plane: store engine, admission, security, API server, controllers, compaction.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApiServer, startMetricsListener, type AddressLimitOptions, type LogSource } from '../api/index.js';
import { createTunnelHub } from '../api/tunnel/index.js';
import {
  deploymentController,
  garbageCollector,
  namespaceAdmission,
  namespaceController,
  revisionController,
  siteHealthController,
} from '../controllers/index.js';
import { federationGuest, type GuestOptions } from '../federation/guest/index.js';
import { isStructured, type Logger } from '../lib/index.js';
import { startTracing } from '../lib/tracing/index.js';
import { Manager, type ControllerFactory } from '../runtime/index.js';
import { API_VERSION, NamespaceKind, SYSTEM_NAMESPACE } from '../model/index.js';
import { referenceAdmission } from '../placement/index.js';
// Importing the security layer also registers its kinds (Secret, RoleBinding, ClusterRoleBinding, Token).
import {
  ContinuumSecurity,
  loadOidcConfig,
  loadServerTls,
  type OidcIssuerConfig,
  type Security,
} from '../security/index.js';
import { PostgresBackend, SqliteBackend, Store, type Backend } from '../store/index.js';
import { partnerHost, type PartnerOptions } from '../federation/index.js';
import { VERSION } from '../lib/index.js';

export interface ControlPlaneOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** PostgreSQL connection string; SQLite in dataDir when absent. */
  postgresUrl?: string;
  postgresSchema?: string;
  /** Run controllers only while holding the leader lease (set for several replicas). */
  leaderElection?: boolean;
  identity?: string;
  tls?: { cert: string; key: string };
  log?: Logger;
  logRequests?: boolean;
  /** Where request logs go when logRequests is set (default stdout). */
  logStream?: { write(line: string): void };
  /** Extra controllers (deployment, site health ...). */
  controllers?: ControllerFactory[];
  /**
   * Overrides the security implementation (default: ContinuumSecurity over dataDir — built-in
   * tokens, OIDC, RBAC, audit chain, Secret encryption; StaticTokenSecurity is for unit tests only).
   */
  security?: (ctx: { dataDir: string; store: Store; adminToken: string }) => Promise<Security> | Security;
  /** External OpenID Connect issuers, given directly or as a JSON/YAML file (`--oidc-config`). */
  oidc?: OidcIssuerConfig[];
  oidcConfig?: string;
  /** Per-subject rate limit (default 50 requests/s, burst 100). */
  rateLimit?: { ratePerSecond: number; burst: number };
  /** Per-tenant rate limit, shared by every subject with a grant in the tenant (default 100 requests/s, burst 300). */
  tenantRateLimit?: { ratePerSecond: number; burst: number };
  /** Per-client-address limits on unauthenticated, failed and bootstrap requests (src/api/limits). */
  addressLimits?: AddressLimitOptions;
  /** Maximum request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Where workload logs come from. Default: the tunnel hub every control plane serves, which site agents
   * connect to (they dial out, so they may sit behind NAT); set it to serve logs from elsewhere (tests).
   */
  logs?: LogSource;
  plugins?: Array<(app: FastifyInstance, cp: { store: Store }) => void | Promise<void>>;
  /** Event retention in revisions before compaction (default 50 000). */
  retainRevisions?: number;
  /** SQLite durability (default FULL). */
  synchronous?: 'FULL' | 'NORMAL';
  /** Seconds without an agent heartbeat before a site turns NotReady (default 40). */
  siteGraceSeconds?: number;
  /** Seconds workloads stay on a NotReady site before they are re-placed (default 0). */
  tolerationSeconds?: number;
  /** Leader lease duration in seconds (default 15). */
  leaseSeconds?: number;
  /**
   * Graceful shutdown deadline in seconds (default 10): `stop()` then closes connections and the store even when
   * a controller or informer is stuck.
   */
  shutdownDeadlineSeconds?: number;
  /** /readyz fails when the data dir's file system has less free space than this (default 64 MiB). */
  minFreeDiskBytes?: number;
  /** "host:port" of an extra listener serving GET /metrics WITHOUT authentication (private scrape network). */
  metricsAddress?: string;
  /** The EWBI partner role (federation host, ADR 0018): policy towards originating operators. */
  partner?: PartnerOptions;
  /** Originating side of federation (partner poll period, our federation id ...). */
  federation?: GuestOptions;
}

export interface ControlPlane {
  url: string;
  adminToken: string;
  store: Store;
  manager: Manager;
  app: FastifyInstance;
  /** The security in use (ContinuumSecurity unless overridden). */
  security: Security;
  /** URL of the unauthenticated metrics listener, when `metricsAddress` was given. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

/** The admin token lives in dataDir/admin.token (0600), created on first start and kept across restarts. */
export function ensureAdminToken(dataDir: string): string {
  const file = join(dataDir, 'admin.token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = `cnt_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

async function openBackend(o: ControlPlaneOptions): Promise<Backend> {
  if (o.postgresUrl) return PostgresBackend.open({ connectionString: o.postgresUrl, schema: o.postgresSchema });
  return new SqliteBackend({ path: join(o.dataDir, 'continuum.db'), synchronous: o.synchronous });
}

export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  // OTLP/HTTP trace export when OTEL_EXPORTER_OTLP_ENDPOINT is set (once per process).
  startTracing({ serviceName: 'continuum-control-plane' });
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const adminToken = ensureAdminToken(o.dataDir);
  // Configuration errors surface before anything is opened.
  const tls = o.tls ? loadServerTls(o.tls.cert, o.tls.key) : undefined;
  const oidc = [...(o.oidc ?? []), ...(o.oidcConfig ? loadOidcConfig(o.oidcConfig) : [])];
  const backend = await openBackend(o);
  const store = new Store(backend, { admission: [namespaceAdmission, referenceAdmission] });
  const security = o.security
    ? await o.security({ dataDir: o.dataDir, store, adminToken })
    : await ContinuumSecurity.create({
        dataDir: o.dataDir,
        store,
        adminToken,
        oidc,
        ...(o.rateLimit ? { rateLimit: o.rateLimit } : {}),
        ...(o.tenantRateLimit ? { tenantRateLimit: o.tenantRateLimit } : {}),
        onAuditError: (e) => o.log?.error(`audit log write failed; writes are refused: ${(e as Error).message}`),
      });
  const closeSecurity = async (): Promise<void> => {
    await (security as Partial<{ close(): Promise<void> }>).close?.();
  };

  for (const name of ['default', SYSTEM_NAMESPACE]) {
    if (!(await store.get(NamespaceKind, undefined, name))) {
      await store
        .apply(NamespaceKind, { apiVersion: API_VERSION, kind: 'Namespace', metadata: { name } })
        .catch(() => undefined);
    }
  }

  const identity = o.identity ?? `${hostname()}-${process.pid}`;
  const leaseMs = (o.leaseSeconds ?? 15) * 1000;
  const manager = new Manager({
    store,
    log: o.log?.child?.({ component: 'controllers' }) ?? o.log,
    leaderElection: o.leaderElection
      ? { identity, leaseDurationMs: leaseMs, retryMs: Math.max(200, Math.min(2000, leaseMs / 5)) }
      : undefined,
  });
  manager.add(garbageCollector);
  manager.add(namespaceController);
  manager.add(siteHealthController({ graceSeconds: o.siteGraceSeconds }));
  manager.add(deploymentController({ defaultTolerationSeconds: o.tolerationSeconds }));
  manager.add(revisionController);
  const partner = partnerHost(o.partner);
  manager.add(partner.controller);
  for (const c of o.controllers ?? []) manager.add(c);
  let url = '';
  const guest = federationGuest(store, { selfUrl: () => url, tokens: partner.context(store).tokens, ...o.federation });
  for (const c of guest.controllers) manager.add(c);

  const hub = createTunnelHub();
  const plugins = [hub.plugin, partner.plugin, guest.plugin, ...(o.plugins ?? [])];
  let app: FastifyInstance | undefined;
  try {
    app = await createApiServer({
      store,
      security,
      logs: o.logs ?? hub.logSource,
      version: VERSION,
      identity: () => ({ identity, controllers: manager.leading ? 'leader' : 'standby' }),
      logger: o.logRequests ? { level: 'info', ...(o.logStream ? { stream: o.logStream } : {}) } : false,
      ...(o.logRequests && !o.logStream && isStructured(o.log)
        ? { loggerInstance: o.log.pino.child({ component: 'api' }) }
        : {}),
      https: tls ?? null,
      bodyLimit: o.bodyLimit,
      limits: o.addressLimits,
      dataDir: o.dataDir,
      minFreeBytes: o.minFreeDiskBytes,
      plugins: plugins.map((p) => (a: FastifyInstance) => p(a, { store })),
    });
    url = (await app.listen({ port: o.port ?? 8080, host: o.host ?? '127.0.0.1' })).replace('[::1]', 'localhost');
  } catch (e) {
    await app?.close().catch(() => undefined);
    await closeSecurity().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
  const server = app;
  const metricsListener = o.metricsAddress
    ? await startMetricsListener(o.metricsAddress, store).catch(async (e: unknown) => {
        await server.close().catch(() => undefined);
        await closeSecurity().catch(() => undefined);
        await store.close().catch(() => undefined);
        throw e;
      })
    : undefined;
  await manager.start();

  // Compaction keeps the event log bounded; watchers older than the window get 410 Gone and relist.
  const retain = o.retainRevisions ?? 50_000;
  const compactor = setInterval(() => {
    void (async () => {
      try {
        const rev = await store.revision();
        if (rev > retain) await store.backend.compact(rev - retain);
      } catch (e) {
        o.log?.warn(`compaction failed: ${(e as Error).message}`);
      }
    })();
  }, 60_000);
  compactor.unref();

  // `--oidc-config` is re-read on SIGHUP and when the file changes; a bad file keeps the running set (logged).
  const reloadOidc = (): void => {
    if (!o.oidcConfig) return;
    const file = o.oidcConfig;
    void (async () => {
      try {
        const next = [...(o.oidc ?? []), ...loadOidcConfig(file)];
        await (security as Partial<{ reloadOidc(c: typeof next): Promise<void> }>).reloadOidc?.(next);
        o.log?.info(`OIDC configuration reloaded from ${file}: ${next.length} issuer(s)`);
      } catch (e) {
        o.log?.warn(`OIDC configuration not reloaded from ${file}: ${(e as Error).message}`);
      }
    })();
  };
  if (o.oidcConfig) {
    process.on('SIGHUP', reloadOidc);
    watchFile(o.oidcConfig, { interval: 500, persistent: false }, reloadOidc);
  }

  let stopped: Promise<void> | undefined;
  return {
    url,
    adminToken,
    store,
    manager,
    app: server,
    security,
    ...(metricsListener ? { metricsUrl: metricsListener.url } : {}),
    stop() {
      stopped ??= (async () => {
        clearInterval(compactor);
        if (o.oidcConfig) {
          process.off('SIGHUP', reloadOidc);
          unwatchFile(o.oidcConfig, reloadOidc);
        }
        await metricsListener?.close();
        const deadlineMs = (o.shutdownDeadlineSeconds ?? 10) * 1000;
        const graceful = (async () => {
          await manager.stop();
          await server.close();
          await closeSecurity();
          await store.close();
        })();
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), deadlineMs)));
        const outcome = await Promise.race([graceful.then(() => 'done' as const), late]);
        clearTimeout(timer);
        if (outcome === 'done') return;
        // Something is stuck (a reconcile, an informer, a client that never reads): stop it the hard way.
        o.log?.warn(`graceful shutdown did not finish within ${deadlineMs} ms; closing connections and the store`);
        graceful.catch(() => undefined);
        server.server.closeAllConnections?.();
        const forced = Promise.allSettled([server.close(), closeSecurity(), store.close()]);
        await Promise.race([forced, new Promise((r) => setTimeout(r, 2000).unref())]);
      })();
      return stopped;
    },
  };
}

// Assembles one control plane: store engine, admission, security, API server, controllers, compaction.
import { randomUUID } from 'node:crypto';
import { mkdirSync, unwatchFile, watchFile } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  apiQuotaStatusController,
  createApiServer,
  DEFAULT_QUOTA,
  QuotaTracker,
  startMetricsListener,
  type AddressLimitOptions,
  type LogSource,
  type QuotaLimits,
} from '../api/index.js';
import { createTunnelHub } from '../api/tunnel/index.js';
import {
  deploymentController,
  sloController,
  type SloControllerOptions,
  eventRetentionController,
  type EventRetentionOptions,
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
import { referenceAdmission, runtimeAdmission } from '../placement/index.js';
import { carbonDataSource } from '../sustainability/index.js';
// Importing the security layer also registers its kinds (Secret, RoleBinding, ClusterRoleBinding, Token).
import {
  ContinuumSecurity,
  ensureAdminTokenState,
  watchAdminToken,
  loadOidcConfig,
  loadServerTls,
  type OidcIssuerConfig,
  type Security,
} from '../security/index.js';
import { PostgresBackend, SqliteBackend, Store, type Backend } from '../store/index.js';
import { computeQuotaAdmission } from '../placement/index.js';
import { openManagement, type Management, type ManagementOptions } from './management.js';
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
  /** When the audit log writes periodic signed checkpoints (default every 1000 records or 60 s). */
  auditCheckpoints?: { records?: number; ms?: number };
  /** Per-client-address limits on unauthenticated, failed and bootstrap requests (src/api/limits). */
  addressLimits?: AddressLimitOptions;
  /** Maximum request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Lifetime of a newly written admin token in seconds (default 90 days; 0: no expiry). */
  adminTokenTtlSeconds?: number;
  /** ApiQuota limits of namespaces without an ApiQuota (and of fields one leaves out); default DEFAULT_QUOTA. */
  quotaDefaults?: Partial<QuotaLimits>;
  /**
   * Where workload logs come from. Default: the tunnel hub every control plane serves, which site agents
   * connect to (they dial out, so they may sit behind NAT); set it to serve logs from elsewhere (tests).
   */
  logs?: LogSource;
  plugins?: Array<(app: FastifyInstance, cp: { store: Store }) => void | Promise<void>>;
  /** Event retention in revisions before compaction (default 50 000). */
  retainRevisions?: number;
  /** Retention of Event objects: TTL, count and bytes per namespace (src/controllers/events/retention.ts). */
  eventRetention?: EventRetentionOptions;
  /** Event retention in bytes of object data (default 256 MiB): the oldest events go first beyond it. */
  retainBytes?: number;
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
  /**
   * Carbon-intensity series (file path or http(s) URL, Carbon Aware SDK JSON) for carbon-aware placement in space
   * and time; without it placement uses the bundled annual country means.
   */
  carbonData?: string;
  /**
   * `allow-all`: every namespace may run anything, no RuntimePolicy needed (in-process test harnesses and
   * benchmarks only). Default `enforce` (ADR 0024).
   */
  runtimePolicy?: 'enforce' | 'allow-all';
  /** Metering, rating and quotas (src/controlplane/management.ts). */
  management?: ManagementOptions;
  /** The EWBI partner role (federation host, ADR 0018): policy towards originating operators. */
  partner?: PartnerOptions;
  /** Originating side of federation (partner poll period, our federation id ...). */
  federation?: GuestOptions;
  /** SLO sampling period (src/controllers/slo). */
  slo?: Omit<SloControllerOptions, 'audit'>;
}

export interface ControlPlane {
  url: string;
  /** The current admin token (it changes when `continuum token rotate-admin` replaces it). */
  readonly adminToken: string;
  /** When the admin token expires (ISO), if it does. */
  readonly adminTokenExpiresAt?: string;
  store: Store;
  manager: Manager;
  app: FastifyInstance;
  /** The security in use (ContinuumSecurity unless overridden). */
  security: Security;
  /** Usage store, spend ledger (metering, rating, quotas). */
  management: Management;
  /** URL of the unauthenticated metrics listener, when `metricsAddress` was given. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

/**
 * The admin token lives in dataDir/admin.token (0600), created on first start and kept across restarts until it
 * expires (dataDir/admin.token.json) or is rotated (`continuum token rotate-admin`).
 */
export function ensureAdminToken(dataDir: string, ttlSeconds?: number): string {
  return ensureAdminTokenState(dataDir, ttlSeconds).token;
}

async function openBackend(o: ControlPlaneOptions): Promise<Backend> {
  if (o.postgresUrl) return PostgresBackend.open({ connectionString: o.postgresUrl, schema: o.postgresSchema });
  return new SqliteBackend({ path: join(o.dataDir, 'continuum.db'), synchronous: o.synchronous });
}

export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  // OTLP/HTTP trace export when OTEL_EXPORTER_OTLP_ENDPOINT is set (once per process).
  startTracing({ serviceName: 'continuum-control-plane' });
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const admin = ensureAdminTokenState(o.dataDir, o.adminTokenTtlSeconds);
  if (admin.rotated === 'expired') o.log?.warn(`the admin token had expired: a new one is in ${o.dataDir}/admin.token`);
  const adminToken = admin.token;
  // Configuration errors surface before anything is opened.
  const tls = o.tls ? loadServerTls(o.tls.cert, o.tls.key) : undefined;
  const oidc = [...(o.oidc ?? []), ...(o.oidcConfig ? loadOidcConfig(o.oidcConfig) : [])];
  const backend = await openBackend(o);
  const store = new Store(backend, {
    admission: [
      namespaceAdmission,
      referenceAdmission,
      runtimeAdmission({ allowAll: o.runtimePolicy === 'allow-all' }),
      computeQuotaAdmission,
    ],
  });
  const mgmt = await openManagement(o, o.management);
  const security = o.security
    ? await o.security({ dataDir: o.dataDir, store, adminToken })
    : await ContinuumSecurity.create({
        dataDir: o.dataDir,
        store,
        adminToken,
        adminTokenMeta: admin.meta,
        oidc,
        ...(o.rateLimit ? { rateLimit: o.rateLimit } : {}),
        ...(o.tenantRateLimit ? { tenantRateLimit: o.tenantRateLimit } : {}),
        ...(o.auditCheckpoints ? { auditCheckpoints: o.auditCheckpoints } : {}),
        onAuditError: (e) => o.log?.error(`audit log write failed; writes are refused: ${(e as Error).message}`),
      });
  // ApiQuota: the tracker counts from the store before the first request is admitted.
  const quota = new QuotaTracker(store, { ...DEFAULT_QUOTA, ...o.quotaDefaults });
  store.addAdmission(quota.admission);
  const closeSecurity = async (): Promise<void> => {
    quota.stop();
    await (security as Partial<{ close(): Promise<void> }>).close?.();
  };

  for (const name of ['default', SYSTEM_NAMESPACE]) {
    if (!(await store.get(NamespaceKind, undefined, name))) {
      await store
        .apply(NamespaceKind, { apiVersion: API_VERSION, kind: 'Namespace', metadata: { name } })
        .catch(() => undefined);
    }
  }

  await quota.start();

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
  const carbon = o.carbonData ? carbonDataSource(o.carbonData, { onError: (m) => o.log?.warn(m) }) : undefined;
  // A bad file at start is reported and retried on the timer; placement uses the annual means meanwhile.
  await carbon?.refresh().catch(() => undefined);
  manager.add(
    deploymentController({
      defaultTolerationSeconds: o.tolerationSeconds,
      monthlySpend: (ns) => mgmt.ledger.spend(ns),
      ...(carbon ? { carbon } : {}),
    }),
  );
  manager.add(mgmt.controller);
  manager.add(
    sloController({
      ...o.slo,
      audit: (e) =>
        security.audit({
          requestId: randomUUID(),
          subject: 'system:slo-controller',
          outcome: 'allowed',
          status: 200,
          ...e,
        }),
    }),
  );
  manager.add(revisionController);
  manager.add(eventRetentionController(o.eventRetention));
  manager.add(apiQuotaStatusController(quota));
  const partner = partnerHost(o.partner);
  manager.add(partner.controller);
  for (const c of o.controllers ?? []) manager.add(c);
  let url = '';
  const guest = federationGuest(store, { selfUrl: () => url, tokens: partner.context(store).tokens, ...o.federation });
  for (const c of guest.controllers) manager.add(c);

  const hub = createTunnelHub();
  const plugins = [hub.plugin, partner.plugin, guest.plugin, ...(o.plugins ?? [])];
  const mgmtPlugin = (a: FastifyInstance): void =>
    mgmt.plugin(a, { store, security, ...(carbon ? { zones: () => carbon.zones() } : {}) });
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
      quota,
      dataDir: o.dataDir,
      minFreeBytes: o.minFreeDiskBytes,
      plugins: [...plugins.map((p) => (a: FastifyInstance) => p(a, { store })), mgmtPlugin],
    });
    url = (await app.listen({ port: o.port ?? 8080, host: o.host ?? '127.0.0.1' })).replace('[::1]', 'localhost');
  } catch (e) {
    await app?.close().catch(() => undefined);
    await closeSecurity().catch(() => undefined);
    await store.close().catch(() => undefined);
    await mgmt.close().catch(() => undefined);
    throw e;
  }
  const server = app;
  const metricsListener = o.metricsAddress
    ? await startMetricsListener(o.metricsAddress, store).catch(async (e: unknown) => {
        await server.close().catch(() => undefined);
        await closeSecurity().catch(() => undefined);
        await store.close().catch(() => undefined);
        await mgmt.close().catch(() => undefined);
        throw e;
      })
    : undefined;
  await manager.start();
  mgmt.start(o.log);

  // Compaction keeps the event log bounded by revisions and bytes; watchers older than it get 410 Gone and relist.
  store.startRetention({
    revisions: o.retainRevisions,
    bytes: o.retainBytes,
    onError: (e) => o.log?.warn(`compaction failed: ${(e as Error).message}`),
  });

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

  // `continuum token rotate-admin` writes a new admin.token: switch to it (the old one is revoked) and audit that.
  let current = { token: admin.token, meta: admin.meta };
  const stopAdminWatch = watchAdminToken(o.dataDir, (next) => {
    if (next.token === current.token && next.meta.expiresAt === current.meta.expiresAt) return;
    current = next;
    (security as Partial<ContinuumSecurity>).setAdminToken?.(next.token, next.meta);
    o.log?.info(`admin token replaced from ${o.dataDir}/admin.token; the previous one is revoked`);
    void Promise.resolve(
      security.audit({
        requestId: randomUUID(),
        subject: 'admin',
        verb: 'admin-token:rotate',
        outcome: 'allowed',
        status: 200,
        reason: `admin.token replaced (expires ${next.meta.expiresAt ?? 'never'}); the previous admin token is revoked`,
      }),
    ).catch((e: unknown) => o.log?.error(`audit of the admin token rotation failed: ${(e as Error).message}`));
  });

  let stopped: Promise<void> | undefined;
  return {
    url,
    get adminToken() {
      return current.token;
    },
    get adminTokenExpiresAt() {
      return current.meta.expiresAt;
    },
    store,
    manager,
    management: mgmt,
    app: server,
    security,
    ...(metricsListener ? { metricsUrl: metricsListener.url } : {}),
    stop() {
      stopped ??= (async () => {
        carbon?.close();
        stopAdminWatch();
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
          await mgmt.close();
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
        const forced = Promise.allSettled([server.close(), closeSecurity(), store.close(), mgmt.close()]);
        await Promise.race([forced, new Promise((r) => setTimeout(r, 2000).unref())]);
      })();
      return stopped;
    },
  };
}

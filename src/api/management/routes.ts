// HTTP routes of the management domain: agents' usage batches in; usage roll-ups, raw records and invoices out.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, DeploymentKind, NAME_PATTERN, SiteKind } from '../../model/index.js';
import {
  buildInvoice,
  invoiceCsv,
  parseBatch,
  PriceListKind,
  type RatedSite,
  type UsageStore,
} from '../../management/index.js';
import type { Store } from '../../store/index.js';
import type { Security } from '../../security/port.js';
import { send } from '../content.js';
import { carbonRoutes } from './carbon.js';
import type { IntensitySeries } from '../../sustainability/index.js';

export const MANAGEMENT_BASE = '/metering/v1';
/** Largest usage batch body: 10 000 records of ~300 bytes. */
const USAGE_BODY_LIMIT = 4 * 1024 * 1024;

const NAME = new RegExp(NAME_PATTERN);

function namespaceParam(v: unknown, field: string): string {
  if (typeof v !== 'string' || !NAME.test(v) || v.length > 63)
    throw new ApiError('BadRequest', `${field} must be a namespace name`, [{ field, message: 'must be a name' }]);
  return v;
}

function msParam(v: unknown, field: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Date.parse(String(v));
  if (!Number.isFinite(n))
    throw new ApiError('BadRequest', `${field} must be a time`, [{ field, message: 'bad time' }]);
  return n;
}

/** Sites' providers and own pricing, which rating falls back on. */
export async function ratedSites(store: Store): Promise<Map<string, RatedSite>> {
  const { items } = await store.list(SiteKind);
  return new Map(
    items.map((s) => [
      s.metadata.name,
      { provider: s.spec.provider, ...(s.spec.pricing ? { pricing: s.spec.pricing } : {}) },
    ]),
  );
}

export interface ManagementRouteDeps {
  store: Store;
  security: Security;
  usage: UsageStore;
  /** Carbon-intensity series for the carbon report (when configured). */
  zones?: () => ReadonlyMap<string, IntensitySeries>;
}

/** Mounts the management routes. Reading a tenant's usage or invoice needs `list` on its Deployments. */
export function managementRoutes(app: FastifyInstance, deps: ManagementRouteDeps): void {
  const { store, security, usage } = deps;
  const mayRead = (req: FastifyRequest, namespace: string): Promise<void> =>
    security.authorize(req.continuum!.caller!, { verb: 'list', kind: DeploymentKind, namespace });

  app.post<{ Params: { site: string } }>(
    '/agent/v1/sites/:site/usage',
    { bodyLimit: USAGE_BODY_LIMIT, config: { access: { kind: 'agent-of-site', param: 'site' } } },
    async (req, reply) => {
      const records = parseBatch(req.body, req.params.site);
      await usage.insert(records);
      return send(req, reply, 202, { kind: 'UsageAccepted', accepted: records.length });
    },
  );

  app.get<{ Querystring: Record<string, string | undefined> }>(
    `${MANAGEMENT_BASE}/usage`,
    { config: { access: { kind: 'handler' } } },
    async (req, reply) => {
      const q = req.query;
      const namespace = namespaceParam(q.namespace, 'namespace');
      await mayRead(req, namespace);
      const granularity = q.granularity ?? 'hour';
      if (granularity !== 'hour' && granularity !== 'day')
        throw new ApiError('BadRequest', 'granularity must be hour or day', [
          { field: 'granularity', message: 'hour or day' },
        ]);
      const to = msParam(q.to, 'to', Date.now());
      const from = msParam(q.from, 'from', to - 86_400_000);
      const items = await usage.query({
        granularity,
        from,
        to,
        namespace,
        ...(q.deployment ? { deployment: q.deployment } : {}),
      });
      return send(req, reply, 200, { kind: 'UsageList', granularity, items });
    },
  );

  app.get<{ Querystring: Record<string, string | undefined> }>(
    `${MANAGEMENT_BASE}/records`,
    { config: { access: { kind: 'handler' } } },
    async (req, reply) => {
      const namespace = namespaceParam(req.query.namespace, 'namespace');
      await mayRead(req, namespace);
      const to = msParam(req.query.to, 'to', Date.now());
      const from = msParam(req.query.from, 'from', to - 86_400_000);
      const items = await usage.raw(namespace, from, to);
      return send(req, reply, 200, { kind: 'UsageRecordList', items });
    },
  );

  app.get<{ Params: { tenant: string; period: string }; Querystring: { format?: string } }>(
    `${MANAGEMENT_BASE}/invoices/:tenant/:period`,
    { config: { access: { kind: 'handler' } } },
    async (req, reply) => {
      const tenant = namespaceParam(req.params.tenant, 'tenant');
      await mayRead(req, tenant);
      const lists = (await store.list(PriceListKind)).items;
      const inv = await buildInvoice(usage, tenant, req.params.period, lists, await ratedSites(store));
      const csv = req.query.format === 'csv' || /\btext\/csv\b/.test(String(req.headers.accept ?? ''));
      if (csv) return reply.code(200).type('text/csv; charset=utf-8').send(invoiceCsv(inv));
      return send(req, reply, 200, inv);
    },
  );

  carbonRoutes(app, MANAGEMENT_BASE, deps, (q) => {
    const namespace = namespaceParam(q.namespace, 'namespace');
    const to = msParam(q.to, 'to', Date.now());
    return { namespace, to, from: msParam(q.from, 'from', to - 30 * 86_400_000) };
  });
}

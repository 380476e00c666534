// GET /metering/v1/carbon: a tenant's energy (kWh) and emissions (gCO2e) from its usage records (ADR 0022).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, DeploymentKind, SiteKind } from '../../model/index.js';
import type { UsageStore } from '../../management/index.js';
import { DEFAULT_PUE } from '../../placement/index.js';
import type { Security } from '../../security/port.js';
import type { Store } from '../../store/index.js';
import {
  carbonReport,
  carbonReportCsv,
  REPORT_GROUPS,
  staticCarbonSource,
  type IntensitySeries,
  type ReportGroup,
  type ReportSite,
} from '../../sustainability/index.js';
import { send } from '../content.js';

export interface CarbonRouteDeps {
  store: Store;
  security: Security;
  usage: UsageStore;
  /** Hourly series by zone (site name or country), when carbon data is configured. */
  zones?: () => ReadonlyMap<string, IntensitySeries>;
}

/** Mounts the carbon report route at `${base}/carbon` (reading it needs `list` on the tenant's Deployments). */
export function carbonRoutes(app: FastifyInstance, base: string, deps: CarbonRouteDeps, params: ReportParams): void {
  app.get<{ Querystring: Record<string, string | undefined> }>(
    `${base}/carbon`,
    { config: { access: { kind: 'handler' } } },
    async (req: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
      const q = req.query;
      const { namespace, from, to } = params(q);
      await deps.security.authorize(req.continuum!.caller!, { verb: 'list', kind: DeploymentKind, namespace });
      const groupBy = (q.groupBy ?? 'deployment') as ReportGroup;
      if (!REPORT_GROUPS.includes(groupBy))
        throw new ApiError('BadRequest', `groupBy must be one of ${REPORT_GROUPS.join(', ')}`, [
          { field: 'groupBy', message: `one of ${REPORT_GROUPS.join(', ')}` },
        ]);
      const rows = await deps.usage.query({ granularity: 'hour', from, to, namespace });
      const sites = new Map<string, ReportSite>(
        (await deps.store.list(SiteKind)).items.map((s) => [
          s.metadata.name,
          {
            provider: s.spec.provider,
            country: s.spec.location.country,
            pue: s.spec.power?.pue ?? DEFAULT_PUE[s.spec.category],
          },
        ]),
      );
      const base = staticCarbonSource();
      const zones = deps.zones?.() ?? new Map<string, IntensitySeries>();
      const annual = (country: string): number => base.gridIntensity(country) ?? base.fallback;
      const intensity = (site: string, country: string, a: number, b: number): number =>
        (zones.get(site) ?? zones.get(country))?.meanOver(a, b, annual(country)).mean ?? annual(country);
      const source = zones.size ? 'the configured carbon data, else the bundled annual means' : base.source;
      const report = carbonReport(rows, sites, intensity, { groupBy, from, to, source });
      const csv = q.format === 'csv' || /\btext\/csv\b/.test(String(req.headers.accept ?? ''));
      if (csv) return reply.code(200).type('text/csv; charset=utf-8').send(carbonReportCsv(report));
      return send(req, reply, 200, { kind: 'CarbonReport', ...report });
    },
  );
}

/** Parses namespace, from and to (validated) from the query. */
export type ReportParams = (q: Record<string, string | undefined>) => { namespace: string; from: number; to: number };

// Partner zones in the local inventory: the partner Provider, one Site per accepted zone, and the zones' liveness Leases.
import {
  API_VERSION,
  ApiError,
  LeaseKind,
  ProviderKind,
  siteLeaseName,
  SiteKind,
  type Lease,
  type ResourceInput,
  type Site,
  type SiteSpec,
  type SiteStatus,
} from '../../model/index.js';
import { silentLogger, type Logger } from '../../lib/index.js';
import { jsonEqual, type Store } from '../../store/index.js';
import { FEDERATION_LABEL, type Federation } from './kinds.js';
import { partnerProvider, zoneSite } from './zones.js';

const ignoreGone = (e: unknown): void => {
  if (!(e instanceof ApiError && (e.code === 'NotFound' || e.code === 'Conflict'))) throw e;
};

export class ZoneInventory {
  /** Last lease renewal per site (local monotonic ms). */
  private readonly renewed = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly sites: () => Site[],
    private readonly log: Logger = silentLogger,
  ) {}

  /** Renews the liveness Lease of a partner-zone Site (at most every third of its duration). */
  async renewLease(site: string, durationS: number, now: Date): Promise<void> {
    const last = this.renewed.get(site);
    if (last !== undefined && performance.now() - last < (durationS * 1000) / 3) return;
    const name = siteLeaseName(site);
    const cur = await this.store.get(LeaseKind, undefined, name);
    const spec = {
      holderIdentity: `federation/${site}`,
      leaseDurationSeconds: durationS,
      renewTime: now.toISOString(),
      acquireTime: cur?.spec.acquireTime ?? now.toISOString(),
    };
    if (cur) await this.store.update(LeaseKind, { ...cur, spec });
    else
      await this.store
        .create(LeaseKind, { apiVersion: API_VERSION, kind: 'Lease', metadata: { name }, spec } as Lease)
        .catch(ignoreGone);
    this.renewed.set(site, performance.now());
  }

  /** Provider and one Site per accepted zone, as the federation's status says; others of the federation removed. */
  async sync(fed: Federation): Promise<void> {
    if (!(await this.store.get(ProviderKind, undefined, fed.spec.partner.provider)))
      await this.store.create(ProviderKind, partnerProvider(fed)).catch((e: unknown) => {
        if (!(e instanceof ApiError && e.code === 'AlreadyExists')) throw e;
      });
    const wanted = new Map<string, ResourceInput<SiteSpec, SiteStatus>>();
    for (const z of fed.status?.acceptedZones ?? []) {
      const s = zoneSite(fed, z);
      if (s) wanted.set(s.metadata.name, s);
      else this.log.warn(`federation ${fed.metadata.name}: zone ${z.zoneId} has no usable location or country`);
    }
    for (const [name, want] of wanted) {
      const cur = await this.store.get(SiteKind, undefined, name);
      if (!cur) {
        await this.store.create(SiteKind, want).catch((e: unknown) => {
          if (!(e instanceof ApiError && e.code === 'AlreadyExists')) throw e;
        });
        continue;
      }
      if (cur.metadata.deletionTimestamp) continue;
      const labels = { ...cur.metadata.labels, ...want.metadata.labels };
      const annotations = { ...cur.metadata.annotations, ...want.metadata.annotations };
      if (
        jsonEqual(cur.spec, want.spec) &&
        jsonEqual(labels, cur.metadata.labels ?? {}) &&
        jsonEqual(annotations, cur.metadata.annotations ?? {})
      )
        continue;
      await this.store.update(SiteKind, {
        ...cur,
        metadata: { ...cur.metadata, labels, annotations },
        spec: want.spec,
      });
    }
    for (const s of this.sites().filter((s) => s.metadata.labels?.[FEDERATION_LABEL] === fed.metadata.name))
      if (!wanted.has(s.metadata.name) && !s.metadata.deletionTimestamp)
        await this.store.delete(SiteKind, undefined, s.metadata.name).catch(ignoreGone);
  }
}

// An independent checker of decisions against hard constraints and capacity, written apart from the filters on purpose.
import { EU_COUNTRIES } from './defaults.js';
import { reservationKey } from './reservations.js';
import type { Decision, PlacementRequest, Snapshot, SnapshotSite } from './types.js';
import type { Toleration } from '../model/index.js';

export interface Violation {
  readonly deployment: string;
  readonly replica?: string;
  readonly site?: string;
  readonly constraint: string;
  readonly detail: string;
}

const matches = (tols: readonly Toleration[], key: string, value: string | undefined, effect: string): boolean =>
  tols.some(
    (t) =>
      (t.effect === undefined || t.effect === effect) &&
      (t.key === undefined || t.key === ''
        ? t.operator === 'Exists'
        : t.key === key && (t.operator === 'Exists' || (t.value ?? '') === (value ?? ''))),
  );

/**
 * Every violated hard constraint in `decisions` (taken together, on top of the snapshot's allocated):
 * structure, pinning, category, jurisdiction, carbon cap, provider attributes, latency bounds, runtime,
 * readiness/maintenance/taints, price cap, spread, and capacity on every dimension a decision adds to.
 */
export function verifyDecisions(
  snapshot: Snapshot,
  requests: readonly PlacementRequest[],
  decisions: readonly Decision[],
): Violation[] {
  const out: Violation[] = [];
  const byKey = new Map(requests.map((r) => [reservationKey(r), r]));
  const added = new Map<string, { cpu: number; memory: number; gpu: number; storage: number }>();
  for (const d of decisions) {
    const dep = reservationKey(d);
    const req = byKey.get(dep);
    if (!req) {
      out.push({ deployment: dep, constraint: 'structure', detail: 'no request for this decision' });
      continue;
    }
    const bad = (constraint: string, detail: string, replica?: string, site?: string) =>
      out.push({
        deployment: dep,
        constraint,
        detail,
        ...(replica !== undefined ? { replica } : {}),
        ...(site !== undefined ? { site } : {}),
      });
    for (const c of req.components) {
      const want = c.groups.reduce((s, g) => s + Math.max(0, g.replicas), 0);
      const mine = d.assignments.filter((a) => a.component === c.name);
      const unplaced = d.unplaced.filter((u) => u.startsWith(`${c.name}/`)).length;
      if (mine.length + unplaced !== want)
        bad('structure', `${c.name}: ${mine.length} placed + ${unplaced} unplaced != ${want}`);
      if (new Set(mine.map((a) => a.replica)).size !== mine.length)
        bad('structure', `${c.name}: duplicate replica numbers`);
      // Spread holds against every replica of the component: this decision's and those that stay (request.existing).
      const sitesUsed = new Set<string>();
      const providersUsed = new Set<string>();
      for (const e of req.existing ?? []) {
        if (e.component !== c.name) continue;
        sitesUsed.add(e.site);
        const p = snapshot.siteByName(e.site)?.provider;
        if (p !== undefined) providersUsed.add(p);
      }
      for (const a of mine) {
        const label = `${a.component}/${a.replica}`;
        const s: SnapshotSite | undefined = snapshot.siteByName(a.site);
        if (!s) {
          bad('structure', `unknown site ${a.site}`, label, a.site);
          continue;
        }
        const v = (constraint: string, detail: string) => bad(constraint, detail, label, s.name);
        const r = c.requirements;
        const group = c.groups.find((g) => g.area === a.area);
        if (!group) v('structure', `no group for area ${a.area}`);
        if (c.pinnedSite !== undefined && s.name !== c.pinnedSite) v('pinned', `pinned to ${c.pinnedSite}`);
        if (r.categories?.allowed && !r.categories.allowed.includes(s.category)) v('category', s.category);
        const j = r.jurisdiction;
        if (j?.allowedCountries && !j.allowedCountries.includes(s.country))
          v('jurisdiction', `${s.country} not allowed`);
        if (j?.deniedCountries?.includes(s.country)) v('jurisdiction', `${s.country} denied`);
        if (j?.euOnly && !EU_COUNTRIES.has(s.country)) v('jurisdiction', `${s.country} outside the EU`);
        if (r.maxCarbonIntensity !== undefined && s.gridIntensity * s.pue > r.maxCarbonIntensity + 1e-9)
          v('carbon', 'above cap');
        const pa = r.providerAttributes;
        if (pa) {
          const p = snapshot.providerByName(s.provider);
          if (!p) v('provider', 'unknown provider');
          else {
            if (pa.headquartersCountries && !pa.headquartersCountries.includes(p.headquartersCountry))
              v('provider', 'headquarters');
            if (pa.headquartersEU && !EU_COUNTRIES.has(p.headquartersCountry)) v('provider', 'headquarters outside EU');
            for (const cert of pa.certifications ?? [])
              if (!p.certifications.includes(cert)) v('provider', `lacks ${cert}`);
            for (const [k, val] of Object.entries(pa.attributes ?? {}))
              if (p.attributes[k] !== val) v('provider', `attribute ${k}`);
          }
        }
        for (const b of group?.latency ?? []) {
          const area = snapshot.areaByName(b.area);
          if (!area) v('latency', `unknown area ${b.area}`);
          else if (snapshot.latencyMs(area, s) > b.maxMs)
            v('latency', `${snapshot.latencyMs(area, s)} ms > ${b.maxMs} ms from ${b.area}`);
        }
        const allowed = c.runtimes ?? [c.runtime];
        if (!allowed.some((r) => s.runtimes.includes(r))) v('runtime', allowed.join(' or '));
        const tol = c.tolerations;
        if (!s.ready && !matches(tol, 'continuum.io/not-ready', undefined, 'NoSchedule')) v('taints', 'not ready');
        if (s.unschedulable && !matches(tol, 'continuum.io/unschedulable', undefined, 'NoSchedule'))
          v('taints', 'maintenance');
        for (const t of s.taints)
          if (t.effect !== 'PreferNoSchedule' && !matches(tol, t.key, t.value, t.effect)) v('taints', t.key);
        const res = c.resources;
        if (res.gpu > 0 && c.gpuModel !== undefined && s.gpuModel !== c.gpuModel) v('resources', 'gpu model');
        const price =
          (res.cpu / 1000) * s.pricing.cpuHour +
          (res.memory / 1024) * s.pricing.memoryGiBHour +
          res.gpu * s.pricing.gpuHour +
          (res.storage / 1024) * s.pricing.storageGiBHour;
        if (r.maxPricePerHour !== undefined && price > r.maxPricePerHour + 1e-12)
          v('price', `${price} > ${r.maxPricePerHour}`);
        if (r.spread?.sites && sitesUsed.has(s.name)) v('spread', 'two replicas on one site');
        if (r.spread?.providers && providersUsed.has(s.provider)) v('spread', 'two replicas at one provider');
        sitesUsed.add(s.name);
        providersUsed.add(s.provider);
        const t = added.get(s.name) ?? { cpu: 0, memory: 0, gpu: 0, storage: 0 };
        t.cpu += res.cpu;
        t.memory += res.memory;
        t.gpu += res.gpu;
        t.storage += res.storage;
        added.set(s.name, t);
      }
    }
  }
  for (const [name, t] of added) {
    const s = snapshot.siteByName(name)!;
    for (const dim of ['cpu', 'memory', 'gpu', 'storage'] as const) {
      if (t[dim] > 0 && s.allocated[dim] + t[dim] > s.allocatable[dim]) {
        out.push({
          deployment: '*',
          site: name,
          constraint: 'capacity',
          detail: `${dim}: ${s.allocated[dim]} + ${t[dim]} > ${s.allocatable[dim]}`,
        });
      }
    }
  }
  return out;
}

// Per-slot convergence: which workloads to keep, delete or (re)place — rolling, one slot per component at a time.
import type { ApplicationSpec, DeploymentSpec, Site, Workload } from '../../model/index.js';
import { isReady, resolveConnections, startOrder } from './env.js';
import { LABEL_HASH, LABEL_SLOT, desiredSlots, templateHash, workloadSpec, type Slot } from './template.js';

export interface SlotNeed {
  slot: Slot;
  spec: ReturnType<typeof workloadSpec>;
  hash: string;
  /** Why a new workload is needed: first start, failover, rolling update, or its site is being drained. */
  reason: 'Create' | 'Failover' | 'Update' | 'Drain';
  replaces?: Workload;
}

export interface RolloutPlan {
  /** Workloads to delete now. */
  remove: Array<{ workload: Workload; reason: string }>;
  /** Slots that need a new workload placed. */
  place: SlotNeed[];
  /** Components waiting for peers they connect to. */
  waiting: Map<string, string[]>;
  /** Current good, ready workloads per component (after this plan). */
  ready: Map<string, Workload[]>;
  /** The workload that currently serves each slot (good and ready, or the best we have). */
  serving: Map<string, Workload>;
  slots: Slot[];
}

export interface RolloutInput {
  depName: string;
  appName: string;
  app: ApplicationSpec;
  dep: DeploymentSpec;
  workloads: Workload[];
  /** True when the workload's site is gone or NotReady beyond toleration. */
  lost: (w: Workload) => boolean;
  /** True when the workload's site is being drained: replaced like an outdated workload (new one first). */
  draining?: (w: Workload) => boolean;
  site: (name: string) => Site | undefined;
}

/** The URLs under which peers reach `w` (what a caller's env holds). */
function urlsOf(w: Workload): Set<string> {
  const st = w.status;
  const urls = new Set<string>();
  if (st?.url) urls.add(st.url);
  if (st?.host) for (const p of Object.values(st.ports ?? {})) urls.add(`http://${st.host}:${p}`);
  return urls;
}

/** Whether `caller` (a workload of another component) has one of `w`'s URLs in its env. */
export function calls(caller: Workload, w: Workload): boolean {
  if (caller === w || caller.spec.component === w.spec.component) return false;
  const urls = urlsOf(w);
  return urls.size > 0 && (caller.spec.env ?? []).some((e) => urls.has(e.value ?? ''));
}

/** Whether a live workload of another component has one of `w`'s URLs in its env (it still calls `w`). */
function stillCalled(w: Workload, live: Workload[]): boolean {
  return live.some((o) => calls(o, w));
}

export function planRollout(inp: RolloutInput): RolloutPlan {
  const slots = desiredSlots(inp.app, inp.dep);
  const slotIds = new Set(slots.map((s) => s.id));
  const plan: RolloutPlan = { remove: [], place: [], waiting: new Map(), ready: new Map(), serving: new Map(), slots };
  const live = inp.workloads.filter((w) => !w.metadata.deletionTimestamp);
  for (const w of live)
    if (!slotIds.has(w.metadata.labels?.[LABEL_SLOT] ?? '')) plan.remove.push({ workload: w, reason: 'ScaledDown' });
  const bySlot = new Map<string, Workload[]>();
  for (const w of live) {
    const id = w.metadata.labels?.[LABEL_SLOT] ?? '';
    if (slotIds.has(id)) bySlot.set(id, [...(bySlot.get(id) ?? []), w]);
  }
  for (const c of startOrder(inp.app.components)) {
    let replacing = 0;
    const readyNow: Workload[] = [];
    for (const slot of slots.filter((s) => s.component === c.name)) {
      const current = (bySlot.get(slot.id) ?? []).sort(
        (a, b) =>
          a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) ||
          a.metadata.name.localeCompare(b.metadata.name),
      );
      const anchor = current.find((w) => !inp.lost(w))?.spec.siteName;
      const { env, missing } = resolveConnections(c, slot.area, anchor, plan.ready, inp.site);
      if (missing.length) {
        plan.waiting.set(c.name, missing);
        // Keep what runs (it may still serve with its old peers) unless its site is lost.
        for (const w of current) if (inp.lost(w)) plan.remove.push({ workload: w, reason: 'SiteLost' });
        const still = current.find((w) => !inp.lost(w) && isReady(w));
        if (still) plan.serving.set(slot.id, still);
        continue;
      }
      const spec = workloadSpec(inp.depName, inp.appName, c, inp.dep, slot, env);
      const hash = templateHash(spec);
      const draining = inp.draining ?? (() => false);
      const good = current.filter((w) => w.metadata.labels?.[LABEL_HASH] === hash && !inp.lost(w) && !draining(w));
      const obsolete = current.filter((w) => !good.includes(w));
      const goodReady = good.filter(isReady);
      for (const w of obsolete) if (inp.lost(w)) plan.remove.push({ workload: w, reason: 'SiteLost' });
      const serving = obsolete.filter((w) => !inp.lost(w));
      if (goodReady.length) {
        // Converged slot: one good ready workload; everything else goes — except a replaced workload that a
        // live workload of another component still calls (its env holds the old URL): it goes once that
        // dependent has rolled onto the new peer, so no request through the old dependent fails meanwhile.
        for (const w of serving) if (!stillCalled(w, live)) plan.remove.push({ workload: w, reason: 'Replaced' });
        for (const w of good.filter((g) => g !== goodReady[0])) plan.remove.push({ workload: w, reason: 'Duplicate' });
        readyNow.push(goodReady[0]);
        plan.serving.set(slot.id, goodReady[0]);
        continue;
      }
      const stillServing = serving.find(isReady);
      if (stillServing) {
        readyNow.push(stillServing);
        plan.serving.set(slot.id, stillServing);
      }
      if (good.length) {
        if (serving.length) replacing++;
        continue; // a new workload is starting; wait for it
      }
      const reason: SlotNeed['reason'] = serving.length
        ? serving.every(draining)
          ? 'Drain'
          : 'Update'
        : obsolete.length
          ? 'Failover'
          : 'Create';
      if ((reason === 'Update' || reason === 'Drain') && replacing >= 1) continue; // one slot per component at a time
      if (reason === 'Update' || reason === 'Drain') replacing++;
      plan.place.push({ slot, spec, hash, reason, ...(obsolete[0] ? { replaces: obsolete[0] } : {}) });
    }
    plan.ready.set(c.name, readyNow);
  }
  return plan;
}

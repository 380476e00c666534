// Site health: a site whose agent stopped heartbeating turns Ready=False after a grace period.
import { getCondition, setCondition, SiteKind } from '../../model/index.js';
import type { ControllerSpec } from '../../runtime/controller.js';
import type { Manager } from '../../runtime/manager.js';
import { eventRecorder } from '../events/recorder.js';

export interface SiteHealthOptions {
  /** Seconds without a heartbeat before a site is NotReady (default 40; embedded mode uses a few). */
  graceSeconds?: number;
}

export function siteHealthController(opts: SiteHealthOptions = {}) {
  const graceMs = (opts.graceSeconds ?? 40) * 1000;
  return (m: Manager): ControllerSpec => {
    const store = m.opts.store;
    const events = eventRecorder(store, 'site-health', m.clock);
    // Heartbeats missed while no controller ran (control plane down, leader change) do not count:
    // agents need a grace period from now to reconnect.
    const startedAt = m.clock().getTime();
    return {
      name: 'site-health',
      watches: [{ informer: m.informer(SiteKind) }],
      async reconcile(ctx, name) {
        const site = await store.get(SiteKind, undefined, name);
        if (!site) return;
        const ready = getCondition(site.status?.conditions, 'Ready');
        const beat = Date.parse(site.status?.lastHeartbeatTime ?? '');
        if (!ready || ready.status !== 'True' || !Number.isFinite(beat)) return;
        const age = ctx.now().getTime() - Math.max(beat, startedAt);
        if (age < graceMs) return { requeueAfterMs: graceMs - age + 50 };
        const message = `no heartbeat from the site agent for ${Math.round((ctx.now().getTime() - beat) / 1000)} s (grace ${graceMs / 1000} s)`;
        const conditions = setCondition(
          site.status?.conditions,
          { type: 'Ready', status: 'False', reason: 'HeartbeatTimeout', message },
          ctx.now().toISOString(),
        );
        // Conditional on the version we read: a heartbeat that lands meanwhile wins.
        await store.updateStatus(SiteKind, { ...site, status: { ...site.status, conditions } });
        ctx.log.warn(`site ${name} is NotReady: ${message}`);
        await events.warning(site, 'SiteNotReady', message);
      },
    };
  };
}

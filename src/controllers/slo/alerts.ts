// Alert delivery: a fault step becomes a CloudEvent (structured JSON) POSTed to each matching AlertRule's webhook.
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { getCondition, setCondition } from '../../model/index.js';
import { AlertRuleKind, type AlertRule, type AlertType, type Slo } from '../../management/index.js';
import type { Store } from '../../store/index.js';

export interface AlertOptions {
  /** Allow webhooks on loopback addresses (tests and single-host setups; default false). */
  allowLoopbackWebhooks?: boolean;
  /** Per-POST timeout (default 3 s). */
  timeoutMs?: number;
}

/** Why a webhook URL is refused, or undefined: link-local/metadata always, loopback unless allowed. */
export function refusedWebhook(url: string, allowLoopback: boolean): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return 'not a URL';
  }
  if (isIP(host) === 4 && host.startsWith('169.254.')) return 'link-local address';
  if (isIP(host) === 6 && host.startsWith('fe80:')) return 'link-local address';
  if (host === 'metadata.google.internal') return 'metadata address';
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (loopback && !allowLoopback) return 'loopback address';
  return undefined;
}

export function alertSender(store: Store, rules: () => AlertRule[], opts: AlertOptions = {}) {
  async function deliver(r: AlertRule, body: string): Promise<string | undefined> {
    const refused = refusedWebhook(r.spec.webhook, opts.allowLoopbackWebhooks ?? false);
    if (refused) return `webhook refused: ${refused}`;
    try {
      const res = await fetch(r.spec.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
      });
      await res.body?.cancel();
      return res.ok ? undefined : `webhook answered ${res.status}`;
    } catch (e) {
      return `webhook unreachable: ${(e as Error).message}`.slice(0, 300);
    }
  }

  /** Sends one alert about `s` to every matching rule of its namespace; delivery outcome goes to the rule's status. */
  return async function send(s: Slo, type: AlertType, data: Record<string, unknown>, now: Date): Promise<void> {
    const matching = rules().filter(
      (r) =>
        r.metadata.namespace === s.metadata.namespace &&
        (!r.spec.slo || r.spec.slo === s.metadata.name) &&
        (!r.spec.types || r.spec.types.includes(type)),
    );
    for (const r of matching) {
      const body = JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        source: `/namespaces/${s.metadata.namespace}/slos/${s.metadata.name}`,
        type: `eu.continuum.slo.${type}`,
        subject: s.spec.deployment,
        time: now.toISOString(),
        datacontenttype: 'application/json',
        data,
      });
      const err = await deliver(r, body);
      const cur = await store.get(AlertRuleKind, r.metadata.namespace, r.metadata.name);
      if (!cur) continue;
      const cond = err
        ? { type: 'Delivering', status: 'False' as const, reason: 'DeliveryFailed', message: err }
        : { type: 'Delivering', status: 'True' as const, reason: 'Delivered', message: 'last alert delivered' };
      const prev = getCondition(cur.status?.conditions, 'Delivering');
      const delivered = (cur.status?.delivered ?? 0) + (err ? 0 : 1);
      if (prev?.reason === cond.reason && prev.message === cond.message && delivered === cur.status?.delivered)
        continue;
      await store
        .updateStatus(AlertRuleKind, {
          ...cur,
          status: { delivered, conditions: setCondition(cur.status?.conditions, cond, now.toISOString()) },
        })
        .catch(() => undefined); // a concurrent change: the next alert records its outcome
    }
  };
}

// The partner (host) role of EWBI federation: routes mounted on the API server and the callback outbox controller.
import type { FastifyInstance } from 'fastify';
import type { ControllerSpec, Manager } from '../../runtime/index.js';
import type { Store } from '../../store/index.js';
import { EWBI_TOKEN_PATH } from '../ewbi/index.js';
import type { PartnerContext, PartnerOptions } from './context.js';
import { prepareContext } from './http.js';
import { CallbackClient } from './notify.js';
import { PartnerTokens } from './oauth.js';
import { partnerOutbox } from './outbox.js';
import { appRoutes } from './routes-apps.js';
import { federationRoutes } from './routes-federation.js';
import { lcmRoutes } from './routes-lcm.js';
import { offeredByDefault } from './zones.js';

export type { PartnerContext, PartnerOptions } from './context.js';
export { createPartnerClient, PartnerTokens } from './oauth.js';
export { CallbackClient, CallbackFailed } from './notify.js';
export { contextIdFor, namespaceOf, L as PARTNER_LABELS, type FederationRecord } from './records.js';
export { offeredByDefault, OFFER_LABEL, VIA_FEDERATION_LABEL, FLAVOURS } from './zones.js';
export { instanceState, accessPoints } from './native.js';

export interface PartnerHost {
  /** API server plugin serving every partner operation and the token endpoint. */
  plugin(app: FastifyInstance, cp: { store: Store }): Promise<void>;
  /** The callback outbox controller. */
  controller(m: Manager): ControllerSpec;
  /** The shared context of a store (tests: tokens, callback counters). */
  context(store: Store): PartnerContext;
}

/** The partner role of one control plane. */
export function partnerHost(opts: PartnerOptions = {}): PartnerHost {
  const contexts = new WeakMap<Store, PartnerContext>();
  const context = (store: Store): PartnerContext => {
    let c = contexts.get(store);
    if (!c) {
      c = {
        store,
        tokens: new PartnerTokens(store, opts.tokenTtlSeconds ?? 300),
        callbacks: new CallbackClient(store, opts.fetch ?? fetch, opts.callbackTimeoutMs ?? 5000),
        federationId: opts.federationId ?? 'continuum-partner',
        ...(opts.countryCode ? { countryCode: opts.countryCode } : {}),
        quota: opts.quota ?? { cpu: 4, memory: '8Gi' },
        runtimes: opts.runtimes ?? ['container', 'process'],
        offer: opts.offer ?? offeredByDefault,
      };
      contexts.set(store, c);
    }
    return c;
  };
  return {
    async plugin(app, { store }) {
      const ctx = context(store);
      await app.register(async (sub) => {
        prepareContext(sub, ctx.tokens, EWBI_TOKEN_PATH);
        federationRoutes(sub, ctx);
        appRoutes(sub, ctx);
        lcmRoutes(sub, ctx);
      });
    },
    controller: (m) => partnerOutbox(context(m.opts.store))(m),
    context,
  };
}

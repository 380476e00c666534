// What every partner route and controller shares: the store, tokens, callback client and the partner's policy.
import type { Resources, RuntimeKind, Site } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { CallbackClient } from './notify.js';
import type { PartnerTokens } from './oauth.js';

export interface PartnerOptions {
  /** This operator platform's federation identifier (partnerOPFederationId). */
  federationId?: string;
  /** ISO country code of this operator (partnerOPCountryCode). */
  countryCode?: string;
  /** Quota of each federation namespace (the partner's own limit on a guest; default 4 CPUs, 8 GiB). */
  quota?: Resources;
  /** Runtimes a guest's components may use here (default container and process; process workloads are confined). */
  runtimes?: RuntimeKind[];
  /** Which own sites are offered as zones (default: offeredByDefault). */
  offer?: (site: Site) => boolean;
  /** Lifetime of issued tokens in seconds (default 300). */
  tokenTtlSeconds?: number;
  /** fetch used for callbacks (tests wrap it with the traffic validator). */
  fetch?: typeof fetch;
  /** Per-attempt timeout of a callback (default 5 s). */
  callbackTimeoutMs?: number;
}

export interface PartnerContext {
  store: Store;
  tokens: PartnerTokens;
  callbacks: CallbackClient;
  federationId: string;
  countryCode?: string;
  quota: Resources;
  runtimes: RuntimeKind[];
  offer: (site: Site) => boolean;
}

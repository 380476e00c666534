// What the originating-side controllers share: options, one EWBI client per federation, partner contact times.
import { createHash } from 'node:crypto';
import { ApiError, SYSTEM_NAMESPACE } from '../../model/index.js';
import { SecretKind } from '../../security/index.js';
import type { Store } from '../../store/index.js';
import { EwbiClient, EWBI_PREFIX, TOKEN_PATH, type EwbiExchange } from './client.js';
import type { Federation } from './kinds.js';

export interface GuestOptions {
  /** Our FederationIdentifier (origOPFederationId); default "continuum". */
  federationId?: string;
  /** Our country (origOPCountryCode). */
  country?: string;
  /** Our base URL as partners reach it (callback links), when a Federation does not set callbackBaseUrl. */
  selfUrl?: () => string | undefined;
  /** How often the partner is asked whether it is there, and instances how they are (default 2000 ms). */
  pollMs?: number;
  /** Seconds without an answer before a partner's zones are NOT_AVAILABLE, unless the Federation says (default 30). */
  unavailableAfterSeconds?: number;
  /** Sees every EWBI exchange this side makes (tests validate them against the spec). */
  observe?: (e: EwbiExchange & { federation: string }) => void;
  /** Request timeout towards partners (default 10 s). */
  timeoutMs?: number;
}

/** Reads the key of a decoded Secret as text. */
function secretValue(data: Record<string, string> | undefined, key: string): string | undefined {
  const v = data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

export class GuestContext {
  private readonly clients = new Map<string, { key: string; client: EwbiClient }>();
  /** Local monotonic time (ms) of the partner's last answer, per federation. */
  readonly lastContact = new Map<string, number>();

  constructor(
    readonly store: Store,
    readonly opts: GuestOptions = {},
  ) {}

  get pollMs(): number {
    return this.opts.pollMs ?? 2000;
  }

  unavailableAfterMs(fed: Federation): number {
    return 1000 * (fed.spec.unavailableAfterSeconds ?? this.opts.unavailableAfterSeconds ?? 30);
  }

  /** The EWBI client of a federation, from its credentials Secret (rebuilt when the Secret or endpoint changes). */
  async client(fed: Federation): Promise<EwbiClient> {
    const ref = fed.spec.credentialsSecret;
    const secret = await this.store.get(SecretKind, ref.namespace ?? SYSTEM_NAMESPACE, ref.name);
    if (!secret)
      throw new ApiError('NotFound', `credentials Secret ${ref.namespace ?? SYSTEM_NAMESPACE}/${ref.name} not found`);
    const data = secret.spec?.data;
    const clientId = secretValue(data, 'clientId');
    const clientSecret = secretValue(data, 'clientSecret');
    if (!clientId || !clientSecret)
      throw new ApiError('Invalid', `credentials Secret ${ref.name} lacks clientId or clientSecret`);
    const ca = fed.spec.partner.ca ?? secretValue(data, 'ca.crt');
    const key = `${fed.spec.partner.endpoint}|${secret.metadata.resourceVersion}|${fed.spec.partner.ca ?? ''}`;
    const cached = this.clients.get(fed.metadata.name);
    if (cached?.key === key) return cached.client;
    const name = fed.metadata.name;
    const client = new EwbiClient({
      endpoint: fed.spec.partner.endpoint,
      clientId,
      clientSecret,
      ...(ca ? { ca } : {}),
      timeoutMs: this.opts.timeoutMs ?? 10_000,
      ...(this.opts.observe ? { observe: (e) => this.opts.observe!({ ...e, federation: name }) } : {}),
    });
    this.clients.set(name, { key, client });
    return client;
  }

  /** partnerCallbackCredentials for CreateFederation, from spec.callbackCredentialsSecret (empty without one). */
  async callbackCredentials(
    fed: Federation,
  ): Promise<{ partnerCallbackCredentials?: { tokenUrl: string; clientId: string; clientSecret: string } }> {
    const ref = fed.spec.callbackCredentialsSecret;
    if (!ref) return {};
    const secret = await this.store.get(SecretKind, ref.namespace ?? SYSTEM_NAMESPACE, ref.name);
    const clientId = secretValue(secret?.spec?.data, 'clientId');
    const clientSecret = secretValue(secret?.spec?.data, 'clientSecret');
    if (!clientId || !clientSecret)
      throw new ApiError('Invalid', `callback credentials Secret ${ref.name} missing or lacks clientId/clientSecret`);
    const base = (fed.spec.callbackBaseUrl ?? this.opts.selfUrl?.() ?? '').replace(/\/+$/, '');
    return { partnerCallbackCredentials: { tokenUrl: `${base}${TOKEN_PATH}`, clientId, clientSecret } };
  }

  forget(fed: string): void {
    this.clients.delete(fed);
    this.lastContact.delete(fed);
  }

  /** Base of the callback links we give the partner (…/operatorplatform/federation/v1/{callbackId}). */
  callbackBase(fed: Federation): string {
    const base = fed.spec.callbackBaseUrl ?? this.opts.selfUrl?.();
    if (!base) throw new ApiError('Invalid', 'no callback base URL: set spec.callbackBaseUrl');
    return `${base.replace(/\/+$/, '')}${EWBI_PREFIX}/${callbackIdOf(fed)}`;
  }
}

/** Our callback id for a federation: stable for the object's life (derived from its uid), an RFC 1123 label. */
export const callbackIdOf = (fed: Federation): string =>
  `cb-${createHash('sha256')
    .update(fed.metadata.uid ?? fed.metadata.name)
    .digest('hex')
    .slice(0, 24)}`;

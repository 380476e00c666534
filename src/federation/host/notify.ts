// Callbacks to the originating OP: OAuth2 client credentials against its token URL, then a JSON POST to the link.
import type { Store } from '../../store/index.js';
import { EWBI_SCOPE, type CallbackCredentials } from '../ewbi/index.js';
import { getDoc, recordName, type FederationRecord, namespaceOf } from './records.js';

/** A callback the originator did not accept (status or network): the caller's controller retries with backoff. */
export class CallbackFailed extends Error {
  constructor(
    readonly link: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(`callback ${link} failed: ${message}`);
  }
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** POSTs callbacks; caches the originator's access tokens until shortly before they expire. */
export class CallbackClient {
  private readonly tokens = new Map<string, CachedToken>();
  /** Every attempt, successful or not (tests and metrics). */
  attempts = 0;

  constructor(
    private readonly store: Store,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs = 5000,
  ) {}

  /** The originator's callback credentials, kept in a Secret of the federation namespace. */
  async credentials(record: FederationRecord): Promise<CallbackCredentials | undefined> {
    if (!record.callbackSecret) return undefined;
    return getDoc<CallbackCredentials>(
      this.store,
      namespaceOf(record.federationContextId),
      recordName('callback', record.federationContextId),
    );
  }

  private async token(creds: CallbackCredentials): Promise<string> {
    const key = `${creds.tokenUrl}\0${creds.clientId}`;
    const c = this.tokens.get(key);
    if (c && c.expiresAt > Date.now()) return c.token;
    const basic = Buffer.from(`${encodeURIComponent(creds.clientId)}:${encodeURIComponent(creds.clientSecret)}`);
    const res = await this.fetchImpl(creds.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic.toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: EWBI_SCOPE }).toString(),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new CallbackFailed(creds.tokenUrl, res.status, `token endpoint answered ${res.status}`);
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new CallbackFailed(creds.tokenUrl, res.status, 'token endpoint sent no token');
    const ttl = Math.max(5, Number(body.expires_in ?? 60) - 30);
    this.tokens.set(key, { token: body.access_token, expiresAt: Date.now() + ttl * 1000 });
    return body.access_token;
  }

  /** POSTs `body` to `link` as the partner of `record`; throws CallbackFailed unless the originator took it. */
  async post(record: FederationRecord, link: string, body: unknown): Promise<void> {
    this.attempts++;
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw new CallbackFailed(link, undefined, 'not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new CallbackFailed(link, undefined, 'only http(s) callbacks are sent');
    const creds = await this.credentials(record);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    try {
      if (creds) headers.authorization = `Bearer ${await this.token(creds)}`;
      const res = await this.fetchImpl(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 401 && creds) this.tokens.delete(`${creds.tokenUrl}\0${creds.clientId}`);
      if (res.status < 200 || res.status > 299) throw new CallbackFailed(link, res.status, `answered ${res.status}`);
    } catch (e) {
      if (e instanceof CallbackFailed) throw e;
      throw new CallbackFailed(link, undefined, (e as Error).message);
    }
  }
}

// Which request and response headers cross the gateway: no hop-by-hop headers, no control-plane credentials.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus what we set ourselves; never copied in either direction. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'http2-settings',
]);
/** Control-plane credentials and headers a caller could use to pose as the gateway; never reach the app. */
const CREDENTIALS = new Set(['authorization', 'cookie', 'forwarded', 'x-real-ip', 'x-request-id']);
/** Prefixes of headers only the gateway may set towards the app. */
const OWN_PREFIXES = ['x-continuum-', 'x-forwarded-'];

/** Headers named in a Connection header are hop-by-hop too. */
function connectionTokens(h: string | string[] | undefined): Set<string> {
  const v = Array.isArray(h) ? h.join(',') : (h ?? '');
  return new Set(
    v
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

export interface ForwardedFacts {
  clientIp: string;
  proto: string;
  host: string | undefined;
  /** `/gw/<ns>/<dep>` (with `/~component` when chosen): where the app is mounted for the caller. */
  prefix: string;
  requestId: string;
  /** Compact JWS stating the caller's identity (X-Continuum-Identity). */
  identity: string;
}

/** The headers sent to the app: the caller's, minus hop-by-hop, credentials and ours, plus the gateway's facts. */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, facts: ForwardedFacts): OutgoingHttpHeaders {
  const named = connectionTokens(incoming.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(incoming)) {
    const key = k.toLowerCase();
    if (v === undefined || HOP_BY_HOP.has(key) || CREDENTIALS.has(key) || named.has(key)) continue;
    if (OWN_PREFIXES.some((p) => key.startsWith(p))) continue;
    out[key] = v;
  }
  out['x-forwarded-for'] = facts.clientIp;
  out['x-forwarded-proto'] = facts.proto;
  if (facts.host) out['x-forwarded-host'] = facts.host;
  out['x-forwarded-prefix'] = facts.prefix;
  out['x-request-id'] = facts.requestId;
  out['x-continuum-identity'] = facts.identity;
  return out;
}

/**
 * The app's response headers passed to the caller: no hop-by-hop headers and no Set-Cookie (the app shares
 * the control plane's origin, so its cookies would be the control plane's; requests carry no Cookie either).
 */
export function downstreamResponseHeaders(incoming: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionTokens(incoming.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(incoming)) {
    const key = k.toLowerCase();
    if (v === undefined || HOP_BY_HOP.has(key) || named.has(key) || key === 'set-cookie') continue;
    if (key.startsWith('x-continuum-')) continue;
    out[key] = v;
  }
  return out;
}

/** Headers of a WebSocket upgrade towards the app: the filtered request headers plus the upgrade itself. */
export function upgradeRequestHeaders(incoming: IncomingHttpHeaders, facts: ForwardedFacts): OutgoingHttpHeaders {
  return { ...upstreamRequestHeaders(incoming, facts), connection: 'Upgrade', upgrade: String(incoming.upgrade) };
}

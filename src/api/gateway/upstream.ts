// Builds the upstream URL of a gateway request: the endpoint's origin plus a normalised path, never another origin.
import { ApiError } from '../../model/index.js';

/** An upstream request target: the endpoint's origin and the path (with query) sent verbatim on the request line. */
export interface UpstreamTarget {
  origin: string;
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** Starts with '/', only RFC 3986 path/query characters, no dot segments, no empty segments. */
  path: string;
}

const bad = (message: string, field = 'path'): ApiError =>
  new ApiError('BadRequest', message, [{ field, message: 'refused by the gateway' }]);

/** The origin of an endpoint URL as agents report it; undefined when it is not a plain http(s) origin. */
export function endpointOrigin(url: string): URL | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) return undefined;
  return u;
}

/** Characters a path segment may carry on the request line (RFC 3986 pchar, '%' only as an escape). */
const SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*$/;
const QUERY = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;

/** Whether resolving `p` against `origin` as a browser or WHATWG URL parser would leaves that origin. */
function leaves(p: string, origin: URL): boolean {
  try {
    return new URL(p, origin).origin !== origin.origin;
  } catch {
    return true;
  }
}

/**
 * The upstream for `rawRest` (the part of the request URL after `/gw/<ns>/<dep>[/~component]`, as sent,
 * still percent-encoded, starting with '/' or empty) and `rawQuery` (with its '?', or empty).
 * Contract: the result's origin is the endpoint's; a path that a URL resolver would read as another origin
 * (`//host`, `/\host`, `%5C%5Chost`, encoded dot segments or slashes that do after one decoding) is refused
 * with 400 rather than silently rewritten, so an attack never reaches any upstream.
 */
export function upstreamTarget(endpointUrl: string, rawRest: string, rawQuery: string): UpstreamTarget {
  const origin = endpointOrigin(endpointUrl);
  if (!origin) throw new ApiError('Unavailable', 'the endpoint is not an http(s) origin', [], { 'retry-after': '1' });
  const rest = rawRest === '' ? '/' : rawRest;
  if (!rest.startsWith('/')) throw bad('the gateway path must start with "/"');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    throw bad('the gateway path has a malformed percent-encoding');
  }
  if (/[\\\u0000-\u001f\u007f]/.test(decoded) || leaves(rest, origin) || leaves(decoded, origin))
    throw bad('the gateway path would resolve to another origin than the workload (e.g. "//host" or "\\\\host")');
  if (rest.startsWith('//') || decoded.startsWith('//'))
    throw bad('the gateway path must not start with "//" (it names another origin)');
  const segments: string[] = [];
  const parts = rest.split('/');
  for (const [i, seg] of parts.entries()) {
    if (!SEGMENT.test(seg)) throw bad(`path segment ${JSON.stringify(seg.slice(0, 64))} has characters not allowed`);
    const d = decodeURIComponent(seg);
    if (d.includes('/')) throw bad('an encoded "/" in a path segment is not forwarded');
    if (d === '..') {
      if (!segments.length) throw bad('the gateway path climbs above the workload\'s root ("..")');
      segments.pop();
    } else if (d !== '.' && !(seg === '' && i !== parts.length - 1)) segments.push(seg);
  }
  if (rawQuery && (!rawQuery.startsWith('?') || !QUERY.test(rawQuery.slice(1))))
    throw bad('the query string has characters not allowed', 'query');
  const path = `/${segments.join('/')}${rawQuery}`;
  const final = new URL(path, origin);
  if (final.origin !== origin.origin) throw bad('the gateway path would resolve to another origin');
  return {
    origin: origin.origin,
    protocol: origin.protocol as 'http:' | 'https:',
    hostname: origin.hostname.replace(/^\[|\]$/g, ''),
    port: Number(origin.port || (origin.protocol === 'https:' ? 443 : 80)),
    path,
  };
}

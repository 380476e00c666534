// Sends one request to one upstream: connects first, streams the body only once connected, so connect failures retry.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { UpstreamTarget } from './upstream.js';

/** The upstream could not be connected to: nothing was sent, another endpoint may be tried. */
export class ConnectFailed extends Error {}
/** The upstream failed after the request was (partly) sent: only an idempotent, bodiless request may be retried. */
export class UpstreamFailed extends Error {}
/** The upstream did not answer in time. */
export class UpstreamTimeout extends Error {}

export interface ForwardOptions {
  method: string;
  headers: OutgoingHttpHeaders;
  body?: Readable;
  /** Connect timeout in ms. */
  connectTimeoutMs: number;
  /** Time to the response headers in ms. */
  responseTimeoutMs: number;
}

/**
 * Resolves with the upstream's response (headers received, body not yet read). A fresh connection per request
 * (`agent: false`): a pooled socket could fail after the body started, which could then not be retried.
 */
export function forward(t: UpstreamTarget, o: ForwardOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let connected = false;
    const make = t.protocol === 'https:' ? httpsRequest : httpRequest;
    const up = make(
      {
        protocol: t.protocol,
        hostname: t.hostname,
        port: t.port,
        path: t.path,
        method: o.method,
        headers: o.headers,
        agent: false,
      },
      (res) => {
        clearTimeout(timer);
        resolve(res);
      },
    );
    let timer = setTimeout(() => up.destroy(new ConnectFailed(`connect to ${t.origin} timed out`)), o.connectTimeoutMs);
    up.on('socket', (s) => {
      s.once(t.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        connected = true;
        clearTimeout(timer);
        timer = setTimeout(
          () => up.destroy(new UpstreamTimeout(`${t.origin} sent no answer in time`)),
          o.responseTimeoutMs,
        );
        if (o.body) o.body.pipe(up);
        else up.end();
      });
    });
    up.on('error', (e) => {
      clearTimeout(timer);
      if (e instanceof UpstreamTimeout || e instanceof ConnectFailed) reject(e);
      else if (!connected) reject(new ConnectFailed(`cannot connect to ${t.origin}: ${e.message}`));
      else reject(new UpstreamFailed(`${t.origin} failed: ${e.message}`));
    });
  });
}

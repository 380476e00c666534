// Agent side: streams an answer to the hub as a chunked POST body (log lines), or posts an error report.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { problemToError, readAll, type ClientOptions } from '../../client/index.js';
import type { TunnelErrorReport } from '../../client/index.js';

function open(
  opts: ClientOptions,
  path: string,
  contentType: string,
  signal: AbortSignal,
): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const url = new URL(path, opts.server);
  const isHttps = url.protocol === 'https:';
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': opts.userAgent ?? 'continuum-agent',
  };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const req = (isHttps ? httpsRequest : httpRequest)(url, {
    method: 'POST',
    headers,
    ...(isHttps ? { ca: opts.ca, rejectUnauthorized: !opts.insecure } : {}),
  });
  // A permanent listener: late errors of a destroyed request must never become uncaught exceptions.
  req.on('error', () => undefined);
  const onAbort = (): void => void req.destroy();
  if (signal.aborted) req.destroy();
  else signal.addEventListener('abort', onAbort, { once: true });
  req.once('close', () => signal.removeEventListener('abort', onAbort));
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    req.once('close', () => reject(new Error('connection closed before the hub answered')));
  });
  response.catch(() => undefined);
  return { req, response };
}

async function check(res: IncomingMessage): Promise<void> {
  if ((res.statusCode ?? 0) >= 400) throw problemToError(res.statusCode ?? 0, await readAll(res));
  res.resume();
}

/** Posts an error report for a request the agent cannot serve. */
export async function postError(
  opts: ClientOptions,
  path: string,
  report: TunnelErrorReport,
  signal: AbortSignal,
): Promise<void> {
  const { req, response } = open(opts, path, 'application/json', signal);
  req.end(JSON.stringify(report));
  await check(await response);
}

/**
 * Streams `lines` ('\n'-terminated) as the body. When the hub closes the connection early (the reader
 * left) `abort` is aborted, which must end `lines`; a failure of `lines` itself ends the body with a note.
 */
export async function uploadLines(
  opts: ClientOptions,
  path: string,
  lines: AsyncIterable<string>,
  abort: AbortController,
): Promise<void> {
  const { req, response } = open(opts, path, 'application/octet-stream', abort.signal);
  const onGone = (): void => abort.abort();
  req.once('close', onGone);
  req.once('error', onGone);
  response.then(
    (res) => res.once('end', () => abort.abort()),
    () => undefined,
  );
  try {
    try {
      for await (const line of lines) {
        if (req.destroyed) break;
        if (!req.write(`${line}\n`)) await new Promise<void>((r) => (req.once('drain', r), req.once('close', r)));
      }
    } catch (e) {
      if (!abort.signal.aborted && !req.destroyed)
        req.write(`[continuum agent] log stream failed: ${(e as Error).message}\n`);
    }
    if (!req.destroyed) req.end();
    if (abort.signal.aborted) return;
    await check(await response);
  } finally {
    req.off('close', onGone);
    req.off('error', onGone);
  }
}

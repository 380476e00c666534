// Opens a Server-Sent Events response on a hijacked fastify reply (watch streams, agent tunnels).
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Takes over the response and writes the event-stream headers and a first comment line. */
export function openEventStream(req: FastifyRequest, reply: FastifyReply, comment: string): ServerResponse {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(req.id),
  });
  res.write(`: ${comment}\n\n`);
  return res;
}

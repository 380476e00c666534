// The agent tunnel's wire protocol: paths, the messages the hub sends down the stream, and who may use a site's tunnel.
import type { ErrorCode } from '../model/index.js';

/** Prefix of the agent-facing routes (outside the KRM API). */
export const TUNNEL_BASE = '/agent/v1';

/** GET: the SSE stream an agent keeps open; the hub sends TunnelMessages as `data:` lines. */
export const tunnelStreamPath = (site: string): string => `${TUNNEL_BASE}/sites/${encodeURIComponent(site)}/tunnel`;

/** POST: the agent's answer to request `id` — an application/octet-stream of '\n'-terminated log lines, or an application/json TunnelErrorReport. */
export const tunnelAnswerPath = (id: string): string => `${TUNNEL_BASE}/tunnel/${encodeURIComponent(id)}`;

/** Which log lines a reader wants (the API's logs parameters, as the hub passes them to the agent). */
export interface LogQuery {
  follow: boolean;
  tailLines?: number;
  /** The run before the workload's last restart (agents that predate this field send the current run). */
  previous?: boolean;
  /**
   * Only lines written at or after this time (ms since the epoch, the control plane's clock). Drivers without
   * per-line times may include lines up to their sampling interval older, never drop newer ones; agents that
   * predate this field send every line.
   */
  sinceTime?: number;
}

/** Ask the agent for a workload's logs (stdout and stderr interleaved, oldest first). */
export interface LogsRequest extends LogQuery {
  id: string;
  kind: 'logs';
  namespace: string;
  name: string;
}

/** The reader went away: the agent stops answering request `id`. */
export interface CancelRequest {
  id: string;
  kind: 'cancel';
}

export type TunnelMessage = LogsRequest | CancelRequest;

/** Body of an answer that failed before any line was sent. */
export interface TunnelErrorReport {
  error: { code: ErrorCode; message: string };
}

// Embedded agents: one SiteAgent per site inside the `continuum up` process — the same code as a standalone agent.
import { join } from 'node:path';
import type { Logger } from '../lib/index.js';
import { SiteAgent } from './agent.js';
import type { AgentOptions } from './options.js';

export interface EmbeddedAgentsOptions {
  server: string;
  /** The token every agent starts with, unless `tokenFor` gives one per site. */
  token: string;
  /** Per-site token (e.g. a bootstrap token issued for that site), so agents do not share one credential. */
  tokenFor?: (site: string) => string | Promise<string>;
  sites: string[];
  /** Each agent keeps its state under `<stateDir>/<site>`. */
  stateDir: string;
  /** Default 1000 ms (embedded agents are cheap to heartbeat). */
  heartbeatMs?: number;
  log?: Logger;
  /** Applied to every agent (tests: back-off, RTT period, driver options). */
  agentOptions?: Partial<AgentOptions>;
  /** Agents started at once (default 8). */
  concurrency?: number;
  /** How long to wait for every agent to be connected before returning (default 15 s; stragglers keep retrying). */
  connectTimeoutMs?: number;
}

export interface EmbeddedAgents {
  agent(site: string): SiteAgent | undefined;
  all(): SiteAgent[];
  /** Agents currently connected to the control plane. */
  connected(): number;
  /** detach: true leaves workloads running (a restarted `continuum up` re-adopts them). */
  stop(opts: { detach: boolean }): Promise<void>;
  /** Simulated site failure: the site's agent stops (no more lease renewals) and stops its workloads. */
  fail(site: string): Promise<void>;
  /** Ends a simulated failure: a new agent starts for the site (same state dir and credential). */
  recover(site: string): Promise<void>;
  /** Sites whose failure is being simulated. */
  failed(): string[];
}

/** Starts one agent per site; if any fails, the ones already started are stopped (detached) and the error is thrown. */
export async function startEmbeddedAgents(o: EmbeddedAgentsOptions): Promise<EmbeddedAgents> {
  const agents = new Map<string, SiteAgent>();
  const down = new Set<string>();
  const queue = [...new Set(o.sites)];
  let failure: unknown;
  const startOne = async (site: string): Promise<SiteAgent> =>
    SiteAgent.start({
      heartbeatMs: o.heartbeatMs ?? 1000,
      log: o.log,
      ...o.agentOptions,
      server: o.server,
      token: o.tokenFor ? await o.tokenFor(site) : o.token,
      site,
      stateDir: join(o.stateDir, site),
    });
  const worker = async (): Promise<void> => {
    for (let site = queue.shift(); site !== undefined && failure === undefined; site = queue.shift()) {
      try {
        agents.set(site, await startOne(site));
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 8, queue.length)) }, worker));
  const stop = async (opts: { detach: boolean }): Promise<void> => {
    await Promise.allSettled([...agents.values()].map((a) => a.stop(opts)));
  };
  if (failure !== undefined) {
    await stop({ detach: true });
    throw failure;
  }
  // Agents that found the control plane busy (e.g. rate limited) start offline and retry; give them a moment.
  await Promise.all(
    [...agents.values()].map((a) => a.waitConnected(o.connectTimeoutMs ?? 15_000).catch(() => undefined)),
  );
  return {
    agent: (site) => agents.get(site),
    all: () => [...agents.values()],
    connected: () => [...agents.values()].filter((a) => a.connected).length,
    stop,
    async fail(site) {
      const a = agents.get(site);
      if (!a || down.has(site)) return;
      down.add(site);
      agents.delete(site);
      await a.stop({ detach: false });
    },
    async recover(site) {
      if (!down.delete(site) || !o.sites.includes(site)) return;
      agents.set(site, await startOne(site));
    },
    failed: () => [...down],
  };
}

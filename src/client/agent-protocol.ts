// The agent routes' wire contract, shared by the control plane (src/api/agent-routes.ts) and the agent.

/** Prefix of every agent-facing route (outside the KRM API). */
export const AGENT_BASE = '/agent/v1';
/** POST: exchange a single-use bootstrap token for the site-bound credential. */
export const BOOTSTRAP_PATH = `${AGENT_BASE}/bootstrap`;
/** GET: the other sites' agents and their probe addresses. */
export const PEERS_PATH = `${AGENT_BASE}/peers`;

/** Answer of the peers route: other sites' agents and the probe address each advertises (for RTT). */
export interface PeersAnswer {
  kind: 'AgentPeers';
  peers: Array<{ site: string; address: string }>;
}
/** GET: a workload's env with secret references resolved (only for the agent of its site). */
export const workloadEnvPath = (namespace: string, name: string): string =>
  `${AGENT_BASE}/workloads/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/env`;

/** Answer of the bootstrap exchange: the agent's credential (shown once) and the site it is bound to. */
export interface AgentCredentialAnswer {
  kind: 'AgentCredential';
  token: string;
  site: string;
  tokenId: string;
  expiresAt: string;
}

/** Answer of the env route: every env entry of the workload with literal values, secret references resolved. */
export interface WorkloadEnvAnswer {
  kind: 'WorkloadEnv';
  metadata: { namespace: string; name: string; uid: string; generation: number; resourceVersion: string };
  env: Array<{ name: string; value: string }>;
}

/** POST: a batch of usage records (`{records: [...]}`) of the site's workloads; the credential must be the site's. */
export const usagePath = (site: string): string => `${AGENT_BASE}/sites/${encodeURIComponent(site)}/usage`;

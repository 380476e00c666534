// The embedded continuum behind `continuum up`: one process with control plane, topology and site agents.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { savedCredential, startEmbeddedAgents, type EmbeddedAgents } from '../agent/index.js';
import { ContinuumClient } from '../client/index.js';
import { startControlPlane } from '../controlplane/index.js';
import { kindByName, SITE_FAIL_ANNOTATION, SiteKind, type Site } from '../model/index.js';
import { ensureEmbeddedRuntimePolicy } from './policy.js';
import { Informer, storeSource } from '../runtime/index.js';
import { loadTopology } from '../topology/index.js';
import type { Logger } from '../lib/index.js';
import { embeddedPodmanHome, prepareContainerExamples } from './containers.js';

export interface EmbeddedOptions {
  dataDir: string;
  /** Lifetime of a newly written admin token in seconds (default 90 days; 0: no expiry). */
  adminTokenTtlSeconds?: number;
  port?: number;
  host?: string;
  topology?: string;
  agents?: boolean;
  verbose?: boolean;
  progress?: (msg: string) => void;
  log?: Logger;
  /** host:port of an unauthenticated /metrics listener (see ControlPlaneOptions.metricsAddress). */
  metricsAddress?: string;
  /** External OpenID Connect issuers (`--oidc-config FILE`, JSON or YAML). */
  oidcConfig?: string;
  /** State of the embedded agents and their workloads (default: `<dataDir>-agents`, beside the data dir). */
  agentsDir?: string;
  /** `off` runs process workloads unconfined, as this user (ADR 0010; `continuum up --unconfined`). */
  confinement?: 'required' | 'off';
  /** Serve HTTPS with these PEM files; the embedded agents and the embedded admin client trust `ca`. */
  tls?: { cert: string; key: string; ca: string };
}

/**
 * Where the embedded agents keep their state and workload dirs: never inside the control plane's data dir
 * (admin token, signing key, database). An older `continuum up` kept them in `<dataDir>/agents`: that dir is
 * moved once (running workloads keep their open dirs and are re-adopted).
 */
export function embeddedAgentsDir(dataDir: string, agentsDir?: string): string {
  const dir = resolve(agentsDir ?? join(dirname(resolve(dataDir)), `${basename(resolve(dataDir))}-agents`));
  const legacy = join(resolve(dataDir), 'agents');
  if (!existsSync(dir) && existsSync(legacy)) renameSync(legacy, dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export interface Embedded {
  url: string;
  /** The unauthenticated metrics URL, when metricsAddress was given. */
  metricsUrl?: string;
  adminToken: string;
  /** When the admin token expires (ISO), if it does. */
  adminTokenExpiresAt?: string;
  summary: string;
  /** Stops agents and control plane; workloads keep running (re-adopted next time) unless stopWorkloads. */
  stop(opts?: { stopWorkloads?: boolean }): Promise<void>;
}

export async function startEmbedded(o: EmbeddedOptions): Promise<Embedded> {
  const progress = o.progress ?? (() => undefined);
  const topo = loadTopology(o.topology);
  const cp = await startControlPlane({
    dataDir: o.dataDir,
    port: o.port,
    host: o.host,
    log: o.log,
    logRequests: !!o.verbose,
    ...(o.metricsAddress ? { metricsAddress: o.metricsAddress } : {}),
    siteGraceSeconds: 5,
    ...(o.oidcConfig ? { oidcConfig: o.oidcConfig } : {}),
    ...(o.adminTokenTtlSeconds !== undefined ? { adminTokenTtlSeconds: o.adminTokenTtlSeconds } : {}),
    // Every embedded agent (one per site, 31 in the bundled topology) exchanges its bootstrap token from loopback.
    addressLimits: { bootstrap: { ratePerSecond: 1, burst: 1_000 } },
    ...(o.tls ? { tls: { cert: o.tls.cert, key: o.tls.key } } : {}),
  });
  // Embedded agents dial the API like remote ones do: over TLS when it serves TLS, verifying the data dir's CA.
  const ca = o.tls ? readFileSync(o.tls.ca) : undefined;
  let changed = 0;
  for (const obj of [...topo.providers, ...topo.areas, ...topo.sites]) {
    const { result } = await cp.store.apply(kindByName(obj.kind)!, obj);
    if (result !== 'unchanged') changed++;
  }
  await ensureEmbeddedRuntimePolicy(cp.store);
  progress(
    `topology: ${topo.providers.length} providers, ${topo.sites.length} sites, ${topo.areas.length} user areas (${changed} created or updated)`,
  );
  let agents: EmbeddedAgents | undefined;
  if (o.agents !== false) {
    try {
      // The same agents as `continuum agent`, one per site; state under <agentsDir>/<site> survives restarts.
      // Each agent holds its own site-bound credential, obtained like a standalone agent's: a single-use
      // bootstrap token exchanged once, the credential kept in its state dir for later starts.
      const stateDir = embeddedAgentsDir(o.dataDir, o.agentsDir);
      const admin = new ContinuumClient({ server: cp.url, token: cp.adminToken, ...(ca ? { ca } : {}) });
      const tokenFor = async (site: string): Promise<string> => {
        if (savedCredential(join(stateDir, site), site)) return cp.adminToken; // unused: the saved credential wins
        const r = await admin.http.json<{ token: string }>('POST', '/auth/v1/tokens', {
          role: 'agent',
          site,
          bootstrap: true,
          ttlSeconds: 600,
          description: `embedded agent of ${site}`,
        });
        return r.body.token;
      };
      agents = await startEmbeddedAgents({
        server: cp.url,
        token: cp.adminToken,
        tokenFor,
        sites: topo.sites.map((s) => s.metadata.name),
        stateDir,
        heartbeatMs: 1000,
        log: o.log?.child?.({ component: 'agent' }) ?? o.log,
        // Confined workloads never see the control plane's data dir nor any agent's state, even where these lie
        // inside an artifact dir (e.g. `continuum up` run from a checkout).
        agentOptions: {
          ...(ca ? { ca } : {}),
          driverOptions: {
            podmanHome: embeddedPodmanHome(o.dataDir),
            hiddenPaths: [resolve(o.dataDir), stateDir],
            // Every site runs on this host: a container's loopback peers may be on any embedded agent.
            peerPorts: (ns: string) =>
              (agents?.all() ?? [])
                .flatMap((a) => a.driver.list())
                .flatMap((w) => (w.id.split('/')[0] === ns ? Object.values(w.ports) : [])),
            ...(o.confinement ? { confinement: o.confinement } : {}),
          },
        },
      });
    } catch (e) {
      await cp.stop();
      throw e;
    }
    progress(`agents: ${agents.connected()} connected`);
    try {
      const c = await prepareContainerExamples(o.dataDir, agents);
      progress(
        c.manifest
          ? `containers: podman works; the three-tier example as containers: continuum apply -f ${c.manifest}`
          : `containers: not offered (${c.reason ?? 'unknown'}); workloads run as processes`,
      );
    } catch (e) {
      progress(`containers: the examples image could not be built: ${(e as Error).message}`);
    }
  }
  // `continuum site fail|recover NAME` inside up: the site's embedded agent stops (no lease, workloads stopped)
  // and starts again. One change at a time, in order, so a quick fail + recover ends with the agent running.
  const simulated = new Informer<Site>('embedded-sites', storeSource(cp.store, SiteKind));
  let chain: Promise<void> = Promise.resolve();
  if (agents) {
    const a = agents;
    simulated.on((type, site) => {
      const name = site.metadata.name;
      const fail = type !== 'DELETED' && !!site.metadata.annotations?.[SITE_FAIL_ANNOTATION];
      if (fail === a.failed().includes(name) && !(fail && a.agent(name))) return;
      chain = chain
        .then(() => (fail ? a.fail(name) : a.recover(name)))
        .then(() =>
          progress(`site ${name}: ${fail ? 'failure simulated (agent stopped)' : 'recovered (agent started)'}`),
        )
        .catch((e: unknown) => o.log?.warn(`site ${name}: ${(e as Error).message}`));
    });
    await simulated.start();
  }
  return {
    url: cp.url,
    ...(cp.metricsUrl ? { metricsUrl: cp.metricsUrl } : {}),
    adminToken: cp.adminToken,
    ...(cp.adminTokenExpiresAt ? { adminTokenExpiresAt: cp.adminTokenExpiresAt } : {}),
    summary: `${topo.sites.length} sites of ${topo.providers.length} providers, ${topo.areas.length} user areas`,
    async stop(opts = {}) {
      await simulated.stop();
      await chain;
      // Detached by default: workloads keep running and the next `continuum up` re-adopts them.
      await agents?.stop({ detach: !opts.stopWorkloads });
      await cp.stop();
    },
  };
}

// `continuum agent`: runs a site agent that dials the control plane, reports its site and runs the site's workloads.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DRIVER_NAMES, startAgent, startAgentMetrics, type DriverName } from '../../agent/index.js';
import { CATEGORIES, RUNTIMES, type Category, type RuntimeKind, type SiteSpec } from '../../model/index.js';
import { numberFlag, UsageError, untilStopped, type Command } from '../command.js';
import { consoleLogger } from '../logger.js';

const USAGE =
  'continuum agent --server URL --token TOKEN --site NAME [--runtimes process,container] [--state-dir DIR] [--heartbeat SECONDS] ' +
  '[--probe-address HOST:PORT] [--metrics-address HOST:PORT] [--reconnect-max SECONDS] [--stop-workloads-on-exit] [--ca FILE] [--kubeconfig FILE] [--unconfined] [--verbose] ' +
  '[--provider P --category C --country CC --lat X --lon Y [--city NAME] [--cpu N] [--memory Q]]';

const SITE_FLAGS = ['provider', 'category', 'country', 'city', 'lat', 'lon', 'cpu', 'memory'] as const;

/** The Site to create when it does not exist yet, from --provider/--category/... (undefined when none is given). */
export function siteSpecFromFlags(v: Record<string, string | undefined>): SiteSpec | undefined {
  if (!SITE_FLAGS.some((f) => v[f] !== undefined)) return undefined;
  const missing = (['provider', 'category', 'country', 'lat', 'lon'] as const).filter((f) => v[f] === undefined);
  if (missing.length)
    throw new UsageError(`to create the site, also give ${missing.map((f) => `--${f}`).join(', ')}\nusage: ${USAGE}`);
  const category = v.category as Category;
  if (!CATEGORIES.includes(category)) throw new UsageError(`--category must be one of ${CATEGORIES.join(', ')}`);
  const country = v.country!.toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new UsageError('--country must be an ISO 3166-1 alpha-2 code such as DE');
  const cpu = numberFlag(v.cpu, 'cpu', 0, 1e6);
  return {
    provider: v.provider!,
    category,
    location: {
      country,
      ...(v.city ? { city: v.city } : {}),
      latitude: numberFlag(v.lat, 'lat', -90, 90)!,
      longitude: numberFlag(v.lon, 'lon', -180, 180)!,
    },
    capacity: { ...(cpu !== undefined ? { cpu } : {}), ...(v.memory ? { memory: v.memory } : {}) },
  };
}

/**
 * The runtime kinds to try, from `--runtimes a,b` or the older `--driver a` (undefined: every driver this
 * build has). Unknown kinds are usage errors; a known kind without a driver is reported unavailable by the agent.
 */
export function runtimesFromFlags(runtimes: string | undefined, driver: string | undefined): RuntimeKind[] | undefined {
  if (runtimes !== undefined && driver !== undefined)
    throw new UsageError('give --runtimes or --driver (its older single-runtime form), not both');
  if (driver !== undefined) {
    if (!(DRIVER_NAMES as readonly string[]).includes(driver))
      throw new UsageError(`--driver must be one of ${DRIVER_NAMES.join(', ')}`);
    return [driver as DriverName];
  }
  if (runtimes === undefined) return undefined;
  const list = runtimes
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (list.length === 0) throw new UsageError(`--runtimes needs at least one of ${RUNTIMES.join(', ')}`);
  for (const r of list)
    if (!(RUNTIMES as readonly string[]).includes(r))
      throw new UsageError(`--runtimes: unknown runtime ${JSON.stringify(r)} (known: ${RUNTIMES.join(', ')})`);
  return [...new Set(list as RuntimeKind[])];
}

export const agentCommand: Command = {
  name: 'agent',
  stopGraceMs: 15_000,
  summary: "Run a site agent: heartbeats, capacity, latency, and the site's workloads (outbound connection only)",
  usage: USAGE,
  options: {
    server: { type: 'string', short: 's', description: 'Control-plane URL (or CONTINUUM_SERVER)', placeholder: 'URL' },
    token: { type: 'string', description: 'Agent or bootstrap token (or CONTINUUM_TOKEN)', placeholder: 'TOKEN' },
    site: { type: 'string', description: 'Name of the Site this agent runs', placeholder: 'NAME' },
    runtimes: {
      type: 'string',
      description: 'Runtime kinds to offer, comma-separated (process, container, kubernetes)',
      placeholder: 'LIST',
      defaultText: 'every driver found',
    },
    driver: { type: 'string', description: 'Older single-runtime form of --runtimes', placeholder: 'NAME' },
    'state-dir': {
      type: 'string',
      description: 'Where workloads, logs and the agent credential live',
      placeholder: 'DIR',
    },
    heartbeat: { type: 'string', description: 'Seconds between heartbeats', placeholder: 'SECONDS' },
    'probe-address': {
      type: 'string',
      description: 'Address other agents probe for latency',
      placeholder: 'HOST:PORT',
    },
    'reconnect-max': { type: 'string', description: 'Longest back-off between reconnects', placeholder: 'SECONDS' },
    'stop-workloads-on-exit': { type: 'boolean', description: 'Stop the workloads when the agent stops' },
    /** Process workloads run as the agent user, unconfined (ADR 0010): a single trusted tenant only. */
    unconfined: {
      type: 'boolean',
      description: 'Run process workloads unconfined as the agent user (a single trusted tenant only; ADR 0010)',
    },
    ca: { type: 'string', description: 'PEM CA bundle that verifies an HTTPS server', placeholder: 'FILE' },
    kubeconfig: {
      type: 'string',
      description: 'Kubeconfig of the cluster behind this site (offers the kubernetes runtime; ADR 0019)',
      placeholder: 'FILE',
    },
    provider: { type: 'string', description: 'Provider of the site (to create the Site)', placeholder: 'P' },
    category: { type: 'string', description: 'Site category, e.g. far-edge (to create the Site)', placeholder: 'C' },
    country: { type: 'string', description: 'ISO country code (to create the Site)', placeholder: 'CC' },
    city: { type: 'string', description: 'City (to create the Site)', placeholder: 'NAME' },
    lat: { type: 'string', description: 'Latitude (to create the Site)', placeholder: 'X' },
    lon: { type: 'string', description: 'Longitude (to create the Site)', placeholder: 'Y' },
    cpu: { type: 'string', description: 'CPU capacity in cores (to create the Site)', placeholder: 'N' },
    memory: { type: 'string', description: 'Memory capacity, e.g. 8Gi (to create the Site)', placeholder: 'Q' },
    'metrics-address': {
      type: 'string',
      description: 'Serve per-workload CPU, memory and restarts as Prometheus /metrics (no auth) on HOST:PORT',
      placeholder: 'HOST:PORT',
    },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' },
  },
  async run(v, _p, io) {
    const server = v.server ?? process.env.CONTINUUM_SERVER;
    const token = v.token ?? process.env.CONTINUUM_TOKEN;
    if (!server || !token || !v.site)
      throw new UsageError(
        `--server, --token and --site are required (or CONTINUUM_SERVER / CONTINUUM_TOKEN)\nusage: ${USAGE}`,
      );
    const runtimes = runtimesFromFlags(v.runtimes, v.driver);
    const heartbeat = numberFlag(v.heartbeat, 'heartbeat', 0.1, 3600);
    const reconnectMax = numberFlag(v['reconnect-max'], 'reconnect-max', 0.1, 3600);
    const siteSpec = siteSpecFromFlags(v);
    const stateDir = resolve(v['state-dir'] ?? `.continuum-agent/${v.site}`);
    const log = consoleLogger(io, !!v.verbose, 'info', { role: 'agent', site: v.site });
    let announced = false;
    const agent = await startAgent({
      server,
      token,
      site: v.site,
      ...(runtimes ? { runtimes } : {}),
      stateDir,
      siteSpec,
      log,
      ...(heartbeat !== undefined ? { heartbeatMs: Math.round(heartbeat * 1000) } : {}),
      ...(v['probe-address'] ? { probeAddress: v['probe-address'] } : {}),
      ...(reconnectMax !== undefined ? { reconnect: { maxMs: Math.round(reconnectMax * 1000) } } : {}),
      ...(v.ca ? { ca: readFileSync(v.ca) } : {}),
      ...(v.unconfined || v.kubeconfig
        ? {
            driverOptions: {
              ...(v.unconfined ? { confinement: 'off' as const } : {}),
              ...(v.kubeconfig ? { kubeconfigPath: resolve(v.kubeconfig) } : {}),
            },
          }
        : {}),
      onConnected: ({ created }) => {
        io.out(
          `${announced ? 'reconnected' : created ? 'registered new site' : 'registered'} ${v.site} at ${server}\n`,
        );
        announced = true;
      },
    });
    if (!agent.connected)
      io.out(
        `control plane ${server} unreachable: running offline with ${agent.driver.list().length} adopted workload(s), retrying\n`,
      );
    const offered = agent.driver.kinds.join(', ') || 'none';
    io.out(
      `agent for site ${v.site} running (runtimes ${offered}, state in ${stateDir}, probe ${agent.address}); Ctrl-C to stop\n`,
    );
    const metrics = v['metrics-address']
      ? await startAgentMetrics(v['metrics-address'], v.site, () => agent.driver.list()).catch(async (e: unknown) => {
          await agent.stop({ detach: true });
          throw e;
        })
      : undefined;
    if (metrics) io.out(`workload metrics (no auth) on ${metrics.url}\n`);
    for (const r of agent.runtimes.filter((x) => !x.available && runtimes?.includes(x.name)))
      io.err(`runtime ${r.name} not available: ${r.reason ?? 'unknown'}\n`);
    await untilStopped(io);
    // Edge autonomy: by default the workloads outlive the agent and the next agent on this state dir re-adopts them.
    const detach = !v['stop-workloads-on-exit'];
    const running = agent.driver.list().length;
    await metrics?.close();
    await agent.stop({ detach });
    io.err(
      detach
        ? `agent stopped; ${running} workload(s) left running for the next agent to adopt\n`
        : 'agent stopped, workloads stopped\n',
    );
  },
};

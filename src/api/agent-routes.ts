// HTTP routes for site agents: the single-use bootstrap exchange and a workload's env with secret references resolved.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ApiError,
  NAME_PATTERN,
  kindByName,
  SiteKind,
  WorkloadKind,
  type EnvVar,
  type KindDef,
  type Workload,
} from '../model/index.js';
import type { Secret, SecretKind } from '../security/kinds.js';
import type { Store } from '../store/index.js';
import { send } from './content.js';
import { auditedBy, operation } from './security-routes.js';
import type { Caller, Security } from '../security/port.js';
import {
  BOOTSTRAP_PATH,
  PEERS_PATH,
  type AgentCredentialAnswer,
  type PeersAnswer,
  type WorkloadEnvAnswer,
} from '../client/index.js';

const NAME = new RegExp(NAME_PATTERN);

function bearerOf(req: FastifyRequest): string {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(h) : null;
  if (!m) throw new ApiError('Unauthorized', 'the bootstrap exchange needs Authorization: Bearer <bootstrap token>');
  return m[1];
}

/**
 * Who may read a workload's resolved env: the agent credential bound to the workload's site; other
 * callers only if they may both read the workload and read Secret values in its namespace (so the
 * route never reveals more than they could read directly). Agents themselves cannot read Secrets.
 */
async function authorizeEnv(
  security: Security,
  caller: Caller,
  wk: KindDef,
  namespace: string,
  name: string,
  wl: Workload | undefined,
): Promise<void> {
  await security.authorize(caller, { verb: 'get', kind: wk, namespace, name, ...(wl ? { object: wl } : {}) });
  if (caller.kind === 'agent') {
    if (!wl || wl.spec.siteName !== caller.site)
      throw new ApiError('Forbidden', `workload ${namespace}/${name} is not bound to site ${caller.site ?? '(none)'}`);
    return;
  }
  const sk = kindByName('Secret');
  if (!sk) throw new ApiError('NotImplemented', 'this server has no Secret kind');
  await security.authorize(caller, { verb: 'get', kind: sk, namespace, subresource: 'data' });
}

/** Resolves `valueFrom.secretKeyRef` entries against Secrets of the workload's namespace (store reads decrypt). */
async function resolveEnv(
  store: Store,
  namespace: string,
  env: EnvVar[],
): Promise<Array<{ name: string; value: string }>> {
  // Looked up, not imported: the Secret kind exists only when the security layer is loaded.
  const sk = kindByName('Secret') as typeof SecretKind | undefined;
  const secrets = new Map<string, Secret | undefined>();
  const out: Array<{ name: string; value: string }> = [];
  for (const [i, e] of env.entries()) {
    const ref = e.valueFrom?.secretKeyRef;
    if (!ref) {
      out.push({ name: e.name, value: e.value ?? '' });
      continue;
    }
    if (!sk) throw new ApiError('NotImplemented', 'this server has no Secret kind to resolve secretKeyRef');
    if (!secrets.has(ref.name)) secrets.set(ref.name, await store.get(sk, namespace, ref.name));
    const data = secrets.get(ref.name)?.spec.data;
    if (!data)
      throw new ApiError('NotFound', `env ${e.name}: Secret ${ref.name} not found in namespace ${namespace}`, [
        { field: `spec.env[${i}].valueFrom.secretKeyRef.name`, message: 'no such Secret' },
      ]);
    if (data[ref.key] === undefined)
      throw new ApiError('NotFound', `env ${e.name}: Secret ${ref.name} has no key ${ref.key}`, [
        { field: `spec.env[${i}].valueFrom.secretKeyRef.key`, message: 'no such key' },
      ]);
    out.push({ name: e.name, value: Buffer.from(data[ref.key], 'base64').toString('utf8') });
  }
  return out;
}

/** Mounts the agent routes; their access rules are in route-access.ts. */
export function agentRoutes(app: FastifyInstance, deps: { store: Store; security: Security }): void {
  const { store, security } = deps;

  // Not behind the normal authentication: the only credential accepted here is an unused bootstrap token.
  app.post(BOOTSTRAP_PATH, async (req, reply) => {
    req.continuum!.action = 'agent:bootstrap';
    const token = bearerOf(req);
    const r = await auditedBy(req, () => operation(security, 'exchangeBootstrap')(token, String(req.id)), true);
    void reply.header('cache-control', 'no-store');
    const answer: AgentCredentialAnswer = {
      kind: 'AgentCredential',
      token: r.token,
      site: r.site,
      tokenId: r.record.metadata.name,
      expiresAt: r.record.spec.expiresAt,
    };
    return send(req, reply, 201, answer);
  });

  // Agents may not list Sites; they get only what RTT probing needs: names and advertised probe addresses.
  app.get(PEERS_PATH, async (req, reply) => {
    const { items } = await store.list(SiteKind);
    const self = req.continuum!.caller!.site;
    const peers = items
      .map((s) => ({
        site: s.metadata.name,
        address: s.status?.agent?.address,
      }))
      .filter((p): p is { site: string; address: string } => p.site !== self && typeof p.address === 'string');
    const answer: PeersAnswer = { kind: 'AgentPeers', peers };
    return send(req, reply, 200, answer);
  });

  // Every read is audited: the answer carries secret values.
  app.get<{ Params: { namespace: string; name: string } }>(
    '/agent/v1/workloads/:namespace/:name/env',
    async (req, reply) => {
      const { namespace, name } = req.params;
      for (const [f, v] of [
        ['namespace', namespace],
        ['name', name],
      ] as const) {
        if (!NAME.test(v) || v.length > 63)
          throw new ApiError('NotFound', `invalid ${f} ${JSON.stringify(v)} in path`, [
            { field: `path.${f}`, message: 'not a valid name' },
          ]);
      }
      const wk = WorkloadKind;
      req.continuum!.auditRead = true;
      req.continuum!.action = 'get/env';
      req.continuum!.attrs = { verb: 'get', kind: wk, namespace, name };
      const caller = req.continuum!.caller!;
      const wl = await store.get(wk, namespace, name);
      await authorizeEnv(security, caller, wk, namespace, name, wl);
      if (!wl)
        throw new ApiError('NotFound', `Workload ${JSON.stringify(name)} not found in namespace ${namespace}`, [
          { field: 'metadata.name', message: 'not found' },
        ]);
      const env = await resolveEnv(store, namespace, wl.spec.env ?? []);
      void reply.header('cache-control', 'no-store');
      const m = wl.metadata;
      const answer: WorkloadEnvAnswer = {
        kind: 'WorkloadEnv',
        metadata: { namespace, name, uid: m.uid, generation: m.generation, resourceVersion: m.resourceVersion },
        env,
      };
      return send(req, reply, 200, answer);
    },
  );
}

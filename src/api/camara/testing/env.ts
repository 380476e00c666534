// Tests only: a control plane with the bundled topology, two tenants and CAMARA clients validating every answer.
import { kindByName } from '../../../model/index.js';
import { loadTopology } from '../../../topology/index.js';
import { startSecureEnv, type SecureEnv } from '../../testing/secure-env.js';
import { camaraClient } from './spec-validator.js';

export const B = '/edge-application-management/vwip';
export const NONE = '00000000-0000-4000-8000-000000000000';
export type Who = 'a' | 'b' | 'userA' | 'admin';

/** The running environment of this test file (one per file: vitest isolates modules per file). */
export const ctx = {
  env: undefined as unknown as SecureEnv,
  cam: undefined as unknown as ReturnType<typeof camaraClient>,
  tok: { a: '', b: '', userA: '', admin: '' } as Record<Who, string>,
};

/** Starts the control plane (controllers running), loads the bundled topology, issues a token per caller. */
export async function startCamara(): Promise<void> {
  const env = await startSecureEnv({ namespaces: ['tenant-a', 'tenant-b'] });
  ctx.env = env;
  const topo = loadTopology();
  for (const obj of [...topo.providers, ...topo.areas, ...topo.sites])
    await env.cp.store.apply(kindByName(obj.kind)!, obj);
  ctx.tok.a = (await env.issue({ role: 'use-case-admin', tenant: 'tenant-a' })).token;
  ctx.tok.b = (await env.issue({ role: 'use-case-admin', tenant: 'tenant-b' })).token;
  ctx.tok.userA = (await env.issue({ role: 'end-user', tenant: 'tenant-a' })).token;
  ctx.tok.admin = env.adminToken;
  ctx.cam = camaraClient(env.cp.url);
}

export const stopCamara = async (): Promise<void> => ctx.env?.stop();

/** One EAM call as `who` (undefined: anonymous), validated against the spec. */
export const call = (who: Who | undefined, m: string, url: string, body?: unknown, h?: Record<string, string>) =>
  ctx.cam.call(who ? ctx.tok[who] : undefined, m, `${B}${url}`, body, h);

export async function zones(): Promise<Array<{ edgeCloudZoneId: string; edgeCloudZoneName: string }>> {
  return (await call('a', 'GET', '/edge-cloud-zones?perPage=100')).body.edgeCloudZones;
}

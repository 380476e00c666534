// Tests only: the Given steps shared by the EAM scenario rows (an app, and tenant-a's objects to attack).
import { call, zones, type Who } from './env.js';
import { manifest } from './fixtures.js';

export interface Row {
  scenario: string;
  given?: () => Promise<Record<string, string>>;
  when: (g: Record<string, string>) => [Who | undefined, string, string, unknown?, Record<string, string>?];
  then: { status: number; code?: string };
}

let shared: Record<string, string> | undefined;
/** Given: an app of tenant-a and a zone (made once). */
export const anApp = async (): Promise<Record<string, string>> => {
  if (shared) return shared;
  const a = await call('a', 'POST', '/apps', manifest({ name: 'errors_app' }));
  const z = await zones();
  shared = { appId: a.body.appId, zone: z[0].edgeCloudZoneId };
  return shared;
};

let owned: Record<string, string> | undefined;
/** Given: tenant-a's app with an instance and an app deployment (made once), for the cross-tenant attacks. */
export const aTenantsObjects = async (): Promise<Record<string, string>> => {
  if (owned) return owned;
  const g = await anApp();
  const z = await zones();
  const i = await call('a', 'POST', '/app-instances', {
    name: 'owned_inst',
    appId: g.appId,
    edgeCloudZoneId: z[4].edgeCloudZoneId,
  });
  const d = await call('a', 'POST', '/deployments', {
    appDeploymentName: 'owned_dep',
    appId: g.appId,
    edgeCloudZones: [z[5].edgeCloudZoneId],
  });
  owned = { ...g, instance: i.body.appInstanceId, deployment: d.body.appDeploymentId };
  return owned;
};

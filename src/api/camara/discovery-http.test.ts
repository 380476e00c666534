// Simple and Optimal Edge Discovery over real HTTP, every answer validated against the published specs; the closest
// zone is checked against the topology latency model placement uses, device mappings against operator annotations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindByName, SiteKind, UserAreaKind, type Site, type UserArea } from '../../model/index.js';
import { loadTopology, modelRttMs } from '../../topology/index.js';
import { startSecureEnv, type SecureEnv } from '../testing/secure-env.js';
import { manifest } from './testing/fixtures.js';
import { camaraClient } from './testing/spec-validator.js';

const SED = '/simple-edge-discovery/v2/retrieve-closest-edge-cloud-zone';
const OED = '/optimal-edge-discovery/v0.1';
let env: SecureEnv;
let cam: ReturnType<typeof camaraClient>;
let dev = '';
let user = '';
let sites: Site[] = [];

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['tenant-a'], runControllers: false });
  const topo = loadTopology();
  for (const obj of [...topo.providers, ...topo.areas, ...topo.sites])
    await env.cp.store.apply(kindByName(obj.kind)!, obj);
  // The operator maps a network and a subscriber range to Lisbon, and an NAI domain to Porto.
  const lisbon = (await env.cp.store.get(UserAreaKind, undefined, 'lisbon')) as UserArea;
  await env.cp.store.update(UserAreaKind, {
    ...lisbon,
    metadata: { ...lisbon.metadata, annotations: { 'camara.continuum.eu/phone-prefixes': '+3491555' } },
    spec: { ...lisbon.spec, networks: ['203.0.113.0/24', '2001:db8:10::/48'] },
  });
  const porto = (await env.cp.store.get(UserAreaKind, undefined, 'porto')) as UserArea;
  await env.cp.store.update(UserAreaKind, {
    ...porto,
    metadata: { ...porto.metadata, annotations: { 'camara.continuum.eu/nai-domains': 'porto.example.net' } },
  });
  sites = (await env.cp.store.list(SiteKind)).items as Site[];
  dev = (await env.issue({ role: 'use-case-admin', tenant: 'tenant-a' })).token;
  user = (await env.issue({ role: 'end-user', tenant: 'tenant-a' })).token;
  cam = camaraClient(env.cp.url);
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

/** The nearest non-cloud site to an area by the topology model (computed here independently of the handler). */
async function nearest(areaName: string): Promise<string> {
  const area = (await env.cp.store.get(UserAreaKind, undefined, areaName)) as UserArea;
  return sites
    .filter((s) => s.spec.category !== 'cloud')
    .map((s) => ({ n: s.metadata.name, ms: modelRttMs(area.spec.location, s.spec.location, s.spec.category) }))
    .sort((a, b) => a.ms - b.ms || a.n.localeCompare(b.n))[0].n;
}

describe('Simple Edge Discovery: retrieve-closest-edge-cloud-zone', () => {
  it.each([
    [
      'an IPv4 device in an operator network',
      { ipv4Address: { publicAddress: '203.0.113.7', publicPort: 40000 } },
      'lisbon',
    ],
    ['an IPv6 device in an operator network', { ipv6Address: '2001:db8:10::5' }, 'lisbon'],
    ['a phone number with an operator prefix', { phoneNumber: '+34915551234' }, 'lisbon'],
    ['a phone number by its country calling code (default mapping)', { phoneNumber: '+34600123456' }, 'madrid'],
    ['a network access identifier of a mapped domain', { networkAccessIdentifier: 'alice@porto.example.net' }, 'porto'],
  ])(
    'Given %s, When the closest zone is asked, Then it is the nearest edge site of that area',
    async (_n, device, area) => {
      const a = await cam.call(dev, 'POST', SED, { device }, { 'x-correlator': 'sed-1' });
      expect(a.status).toBe(200);
      expect(a.body.edgeCloudZoneName).toBe(await nearest(area));
      expect(a.body.device).toBeUndefined();
    },
  );

  it('names the identifier it used when several are sent', async () => {
    const a = await cam.call(dev, 'POST', SED, {
      device: {
        phoneNumber: '+34600123456',
        ipv4Address: { publicAddress: '203.0.113.9', privateAddress: '10.0.0.9' },
      },
    });
    expect(a.body.device).toEqual({ ipv4Address: { publicAddress: '203.0.113.9', privateAddress: '10.0.0.9' } });
    expect(a.body.edgeCloudZoneName).toBe(await nearest('lisbon'));
  });

  it.each([
    ['no device (2-legged token)', {}, 422, 'MISSING_IDENTIFIER'],
    [
      'an unmapped IP address',
      { device: { ipv4Address: { publicAddress: '198.51.100.1', publicPort: 5000 } } },
      404,
      'IDENTIFIER_NOT_FOUND',
    ],
    ['an unmapped phone number', { device: { phoneNumber: '+81312345678' } }, 404, 'IDENTIFIER_NOT_FOUND'],
    ['a malformed phone number', { device: { phoneNumber: '0049301234' } }, 400, 'INVALID_ARGUMENT'],
    [
      'an IPv4 address without port or private address',
      { device: { ipv4Address: { publicAddress: '203.0.113.7' } } },
      400,
      'INVALID_ARGUMENT',
    ],
    [
      'a non-IP ipv4Address',
      { device: { ipv4Address: { publicAddress: 'x.y', publicPort: 9 } } },
      400,
      'INVALID_ARGUMENT',
    ],
    ['an unknown property', { device: { phoneNumber: '+34600123456' }, extra: true }, 400, 'INVALID_ARGUMENT'],
  ])('Given %s, Then %i %s', async (_n, body, status, code) => {
    const a = await cam.call(dev, 'POST', SED, body, { 'x-correlator': 'sed-err' });
    expect(a.body).toMatchObject({ status, code });
  });

  it('refuses anonymous callers (401) and callers without the scope (403)', async () => {
    const body = { device: { phoneNumber: '+34600123456' } };
    expect((await cam.call(undefined, 'POST', SED, body)).body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await cam.call(user, 'POST', SED, body)).body).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
  });
});

describe('Optimal Edge Discovery', () => {
  it('lists regions (the cities of the zones)', async () => {
    const a = await cam.call(dev, 'GET', `${OED}/regions`);
    expect(a.body).toContain('Lisbon');
  });

  it('ranks the zones where the app runs by modelled latency from the device', async () => {
    const eam = '/edge-application-management/vwip';
    const appId = (await cam.call(dev, 'POST', `${eam}/apps`, manifest())).body.appId as string;
    const zones = (await cam.call(dev, 'GET', `${eam}/edge-cloud-zones?perPage=100`)).body.edgeCloudZones as Array<{
      edgeCloudZoneId: string;
      edgeCloudZoneName: string;
    }>;
    const lisbonSite = await nearest('lisbon');
    const far = zones.find(
      (z) => z.edgeCloudZoneName !== lisbonSite && !/lisbon|porto|madrid/.test(z.edgeCloudZoneName),
    )!;
    const near = zones.find((z) => z.edgeCloudZoneName === lisbonSite)!;
    await cam.call(dev, 'POST', `${eam}/deployments`, {
      appDeploymentName: 'fleet',
      appId,
      edgeCloudZones: [far.edgeCloudZoneId, near.edgeCloudZoneId],
    });
    const device = { ipv4Address: { publicAddress: '203.0.113.7', publicPort: 40000 } };
    const a = await cam.call(dev, 'POST', `${OED}/retrieve-optimal-edge-cloud-zones`, {
      device,
      applicationProfileId: appId,
    });
    expect(a.body.edgeCloudZones.map((z: { edgeCloudZoneId: string }) => z.edgeCloudZoneId)).toEqual([
      near.edgeCloudZoneId,
      far.edgeCloudZoneId,
    ]);
    const none = await cam.call(dev, 'POST', `${OED}/retrieve-optimal-edge-cloud-zones`, {
      device,
      applicationProfileId: '00000000-0000-4000-8000-000000000000',
    });
    expect(none.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const missing = await cam.call(dev, 'POST', `${OED}/retrieve-optimal-edge-cloud-zones`, { device });
    expect(missing.body).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
  });
});

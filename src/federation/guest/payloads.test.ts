// The guest's EWBI request bodies for a partner-zone replica are valid against the spec (the swagger file's schemas).
import { describe, expect, it } from 'vitest';
import { encodeMultipart } from '../ewbi/index.js';
import { EwbiValidator } from '../testing/ewbi-validator.js';
import type { Workload } from '../../model/index.js';
import { installBody, instanceIds, onboardBody, uploadArtefactBody, uploadFileBody } from './payloads.js';
import { mirrorStatus } from './mirror.js';
import { offeredZoneOf, acceptedZoneOf } from './wire.js';
import { parseGeolocation, zoneCountry, zoneSiteName } from './zones.js';

const wl = (over: Partial<Workload['spec']> = {}, uid = 'u-1'): Workload =>
  ({
    apiVersion: 'continuum.eu/v1',
    kind: 'Workload',
    metadata: { name: 'web-0', namespace: 'shop', uid, resourceVersion: '1', generation: 1, creationTimestamp: '' },
    spec: {
      component: 'web',
      siteName: 'b-zone-1',
      artifact: { command: 'node', args: ['/srv/server.js', '--port=$PORT'] },
      ports: [{ name: 'http', protocol: 'HTTP', expose: true }],
      resources: { cpu: '250m', memory: '64Mi' },
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'PEER_URL', value: 'http://x:1/y' },
      ],
      ...over,
    },
  }) as Workload;

describe('guest EWBI bodies', () => {
  const v = new EwbiValidator();
  const ids = instanceIds('b', wl(), 'zone-1', 'dep-uid');

  it('UploadFile and UploadArtefact (multipart) match the spec', () => {
    for (const [path, body] of [
      ['/fc1/files', uploadFileBody(wl(), ids)],
      ['/fc1/artefact', uploadArtefactBody(wl(), ids)],
    ] as const) {
      const mp = encodeMultipart(body);
      expect(v.checkRequest('POST', path, mp.contentType, mp.body)).toEqual([]);
    }
  });

  it('OnboardApplication and InstallApp match the spec', () => {
    const base = 'https://a.example:8443/operatorplatform/federation/v1/cb-1';
    expect(
      v.checkRequest('POST', '/fc1/application/onboarding', 'application/json', onboardBody(wl(), ids, base)),
    ).toEqual([]);
    expect(v.checkRequest('POST', '/fc1/application/lcm', 'application/json', installBody(ids, 'small', base))).toEqual(
      [],
    );
    // The validator does refuse: an install without its zone is not a valid request.
    const { zoneInfo: _, ...noZone } = installBody(ids, 'small', base);
    expect(v.checkRequest('POST', '/fc1/application/lcm', 'application/json', noZone)).not.toEqual([]);
  });

  it('ids are deterministic: same spec → same app, another replica → another instance', () => {
    expect(instanceIds('b', wl(), 'zone-1', 'dep-uid')).toEqual(ids);
    const other = instanceIds('b', wl({}, 'u-2'), 'zone-1', 'dep-uid');
    expect(other.appId).toBe(ids.appId);
    expect(other.appInstanceId).not.toBe(ids.appInstanceId);
    const changed = instanceIds('b', wl({ resources: { cpu: '1' } }), 'zone-1', 'dep-uid');
    expect(changed.appId).not.toBe(ids.appId);
    expect(instanceIds('b', wl(), 'zone-2', 'dep-uid').appId).not.toBe(ids.appId);
    for (const id of Object.values(ids)) expect(id).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it('env values the spec cannot carry stay out of compEnvParams (they ride in the native component)', () => {
    const art = uploadArtefactBody(wl(), ids) as {
      componentSpec: { compEnvParams: unknown[]; deploymentConfig: { contents: string } }[];
    };
    expect(art.componentSpec[0].compEnvParams).toEqual([
      { envVarName: 'MODE', envValueType: 'USER_DEFINED', envVarValue: 'prod' },
    ]);
    expect(JSON.parse(art.componentSpec[0].deploymentConfig.contents).env).toHaveLength(2);
  });
});

describe('partner answers', () => {
  it('mirrors a READY instance with its access point as a Running, Ready workload', () => {
    const st = mirrorStatus(wl(), {
      appInstanceState: 'READY',
      accessPointInfo: [{ interfaceId: 'http', accessPoints: { port: 41234, ipv4Addresses: ['127.0.0.1'] } }],
    });
    expect(st).toMatchObject({
      phase: 'Running',
      host: '127.0.0.1',
      ports: { http: 41234 },
      url: 'http://127.0.0.1:41234',
    });
    expect(st.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    // The callback spelling of one definition works too; PENDING and FAILED are not ready.
    expect(
      mirrorStatus(wl(), {
        appInstanceState: 'READY',
        accesspointInfo: [{ interfaceId: 'http', accessPoints: { port: 1, fqdn: 'b.example' } }],
      }).url,
    ).toBe('http://b.example:1');
    expect(mirrorStatus(wl(), { appInstanceState: 'PENDING' }).phase).toBe('Starting');
    expect(mirrorStatus(wl(), { appInstanceState: 'FAILED', message: 'no' })).toMatchObject({
      phase: 'Failed',
      message: 'no',
    });
  });

  it('refuses hostile access points (bad host, bad port)', () => {
    const st = mirrorStatus(wl(), {
      appInstanceState: 'READY',
      accessPointInfo: [
        { interfaceId: 'http', accessPoints: { port: 70000, ipv4Addresses: ['127.0.0.1'] } },
        { interfaceId: 'http', accessPoints: { port: 80, fqdn: 'evil/path@x' } },
      ],
    });
    expect(st.url).toBeUndefined();
  });

  it('reads zones defensively', () => {
    expect(offeredZoneOf({ zoneId: 'zone-1', geolocation: '48.1,11.5', geographyDetails: 'Munich' })).toEqual({
      zoneId: 'zone-1',
      geolocation: '48.1,11.5',
      geographyDetails: 'Munich',
    });
    expect(offeredZoneOf({ zoneId: 'Bad Zone!' })).toBeUndefined();
    expect(
      acceptedZoneOf({
        zoneId: 'z',
        reservedComputeResources: [{ numCPU: '2', memory: 4096 }],
        flavoursSupported: [{ flavourId: 'small' }],
      }),
    ).toEqual({ zoneId: 'z', flavours: ['small'], reserved: { cpu: '2', memory: '4096Mi' } });
    expect(parseGeolocation('91,0')).toBeUndefined();
    expect(zoneCountry({ zoneId: 'z', geographyDetails: 'Munich, DE, far-edge' })).toBe('DE');
    expect(zoneCountry({ zoneId: 'z', geographyDetails: 'Basel, CH, near DE border' })).toBeUndefined();
    expect(parseGeolocation('-33.9,151.2')).toEqual({ latitude: -33.9, longitude: 151.2 });
    expect(zoneSiteName('f'.repeat(40), 'z'.repeat(40)).length).toBeLessThanOrEqual(63);
  });
});

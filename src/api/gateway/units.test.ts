// Table-driven checks of the gateway's pure parts: upstream URL building, CIDR matching, replica ranking, audit.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../security/port.js';
import { ApiError, type Site, type UserArea } from '../../model/index.js';
import { site, userArea } from '../../model/testing/index.js';
import { GatewayAudit } from './audit.js';
import { cidrContains, parseCidr } from './cidr.js';
import { parseGatewayPath } from './plan.js';
import { areaOfAddress, rankCandidates, siteAllowsHost } from './routing.js';
import { upstreamTarget } from './upstream.js';

const EP = 'http://10.1.2.3:8080';

describe('upstreamTarget', () => {
  const ok: Array<[string, string, string]> = [
    ['', '', '/'],
    ['/', '', '/'],
    ['/a/b', '?x=1', '/a/b?x=1'],
    ['/a//b/', '', '/a/b/'],
    ['/a/./b/../c', '', '/a/c'],
    ['/a/%2e%2E/c', '', '/c'],
    ['/caf%C3%A9', '?q=%20', '/caf%C3%A9?q=%20'],
    ['/a:b@c', '', '/a:b@c'],
  ];
  it.each(ok)('%s%s → %s on the endpoint origin', (rest, query, path) => {
    expect(upstreamTarget(EP, rest, query)).toEqual({
      origin: EP,
      protocol: 'http:',
      hostname: '10.1.2.3',
      port: 8080,
      path,
    });
  });
  const refused: string[] = [
    '//evil:1/x',
    '/\\evil',
    '/%5C%5Cevil/',
    '/%5c/evil',
    '/%2F%2Fevil',
    '/a%2Fb',
    '/..',
    '/a/../../b',
    '/a%00',
    '/%zz',
    '/a b',
    '/a<b',
    'noslash',
  ];
  it.each(refused)('%s is refused with 400', (rest) => {
    const e = (() => {
      try {
        upstreamTarget(EP, rest, '');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
  });
  it('refuses endpoints that are not plain http(s) origins', () => {
    for (const bad of ['ftp://h/', 'http://u:p@h/', 'not a url'])
      expect(() => upstreamTarget(bad, '/', '')).toThrow(/http\(s\) origin/);
  });
});

describe('parseGatewayPath', () => {
  it.each([
    ['/gw/ns/dep', { namespace: 'ns', deployment: 'dep', rest: '', query: '', prefix: '/gw/ns/dep' }],
    ['/gw/ns/dep/~api/x?y', { component: 'api', rest: '/x', query: '?y', prefix: '/gw/ns/dep/~api' }],
    ['/gw/ns/dep/~api', { component: 'api', rest: '' }],
    ['/gw/ns/dep//h/x', { rest: '//h/x' }],
  ])('%s', (url, want) => expect(parseGatewayPath(url)).toMatchObject(want));
  it('404s names that cannot exist', () => {
    for (const u of ['/gw/NS/dep/', '/gw/ns/%64ep', '/gw/ns'])
      expect(() => parseGatewayPath(u)).toThrow(expect.objectContaining({ status: 404 }));
  });
});

describe('CIDRs', () => {
  it.each([
    ['10.0.0.0/8', '10.200.1.1', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.0.2.7', '192.0.2.7', true],
    ['127.0.0.0/8', '::ffff:127.0.0.5', true],
    ['2001:db8::/32', '2001:db8:1::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::1/128', '::1', true],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['10.0.0.0/8', 'example.org', false],
  ])('%s contains %s: %s', (c, ip, want) => expect(cidrContains(parseCidr(c)!, ip)).toBe(want));
  it.each(['10.0.0.0/33', '1.2.3', 'x/8', '10.0.0.0/8/1', '::/129'])('%s is invalid', (c) =>
    expect(parseCidr(c)).toBeUndefined(),
  );
});

const ready = (name: string, lat: number, lon: number, extra: Partial<Site['spec']> = {}): Site =>
  ({
    ...site(name, { spec: { location: { country: 'DE', latitude: lat, longitude: lon }, ...extra } }),
    status: {
      agent: { address: '10.1.2.3:9' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  }) as Site;

describe('rankCandidates', () => {
  const near = ready('near', 48.1, 11.6);
  const near2 = ready('near2', 48.11, 11.6);
  const far = ready('far', 52.5, 13.4);
  const down = { ...ready('down', 48.1, 11.6), status: { conditions: [{ type: 'Ready', status: 'False' }] } } as Site;
  const sites = new Map([near, near2, far, down].map((s) => [s.metadata.name, s]));
  const munich = userArea('munich', { location: { country: 'DE', latitude: 48.14, longitude: 11.58 } }) as UserArea;
  const eps = [
    { component: 'web', site: 'far', url: 'http://10.1.2.3:1' },
    { component: 'web', site: 'near', url: 'http://10.1.2.3:2' },
    { component: 'web', site: 'near2', url: 'http://10.1.2.3:3' },
    { component: 'web', site: 'down', url: 'http://10.1.2.3:4' },
    { component: 'web', site: 'near', url: 'http://192.0.2.1:5' },
  ];
  it('orders by RTT from the area, rotates equals, drops NotReady sites and unregistered addresses', () => {
    const a = rankCandidates(eps, sites, munich, 0).map((c) => c.site);
    const b = rankCandidates(eps, sites, munich, 1).map((c) => c.site);
    expect(a.slice(0, 2).sort()).toEqual(['near', 'near2']);
    expect(a[2]).toBe('far');
    expect(b[0]).toBe(a[1]);
    expect(b[1]).toBe(a[0]);
  });
  it('balances over all routable endpoints without an area', () => {
    const firsts = new Set([0, 1, 2].map((t) => rankCandidates(eps, sites, undefined, t)[0].site));
    expect(firsts.size).toBe(3);
  });
  it('registered addresses: workloadNetworks when set, else the agent host', () => {
    expect(siteAllowsHost(near, '10.1.2.3')).toBe(true);
    expect(siteAllowsHost(near, '10.1.2.4')).toBe(false);
    expect(siteAllowsHost(ready('n', 0, 0, { workloadNetworks: ['10.9.0.0/16'] }), '10.9.3.3')).toBe(true);
    expect(siteAllowsHost(ready('n', 0, 0, { workloadNetworks: ['10.9.0.0/16'] }), '10.1.2.3')).toBe(false);
  });
  it('maps an address to the area with the longest matching prefix', () => {
    const wide = userArea('wide', { networks: ['10.0.0.0/8'] }) as UserArea;
    const narrow = userArea('narrow', { networks: ['10.1.0.0/16'] }) as UserArea;
    expect(areaOfAddress([wide, narrow], '10.1.9.9')?.metadata.name).toBe('narrow');
    expect(areaOfAddress([wide, narrow], '10.2.9.9')?.metadata.name).toBe('wide');
    expect(areaOfAddress([wide, narrow], '192.0.2.1')).toBeUndefined();
  });
});

describe('GatewayAudit', () => {
  it('writes the first request per key and window, then one aggregate with the count by status', () => {
    const out: AuditEntry[] = [];
    const a = new GatewayAudit(
      (e) => void out.push(e),
      () => {},
      { windowMs: 60_000 },
    );
    const fact = { subject: 's', namespace: 'n', deployment: 'd', ip: '192.0.2.1', method: 'GET', path: '/' };
    for (let i = 0; i < 5000; i++) a.record({ ...fact, requestId: `r${i}`, status: i % 10 ? 200 : 503 });
    a.record({ ...fact, ip: '192.0.2.2', requestId: 'other', status: 200 });
    expect(out).toHaveLength(2);
    a.flush();
    expect(out).toHaveLength(3);
    expect(out[2]).toMatchObject({ verb: 'gateway:aggregate', ip: '192.0.2.1' });
    expect(out[2].reason).toContain('4999 more gateway requests');
    expect(out[2].reason).toContain('200×4500, 503×499');
  });
});

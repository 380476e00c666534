// Unit tests of the container driver's pure parts: create arguments, loopback peers, k8s-file parsing, uid blocks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSpec } from '../testing/harness.js';
import { createArgs, type CreatePlan } from './args.js';
import { loopbackPorts } from './forward.js';
import { parseK8sFile } from './logs.js';
import { UID_BLOCK, UID_FIRST, UidBlocks } from './uids.js';

const IMAGE = `localhost/x@sha256:${'a'.repeat(64)}`;
const plan = (over: Partial<CreatePlan> = {}): CreatePlan => ({
  name: 'c1',
  image: IMAGE,
  uidBase: UID_FIRST,
  ports: { http: 40001, admin: 40002 },
  workDir: '/state/workloads/w',
  logPath: '/state/workloads/w.log',
  logMaxBytes: 1000,
  driverKey: 'k',
  pidsLimit: 64,
  ...over,
});

describe('createArgs', () => {
  const spec = makeSpec(
    'w',
    { image: IMAGE, command: 'node', args: ['$(ARTIFACTS)/app.mjs', '$(PORT)'] },
    {
      runtime: 'container',
      ports: [{ name: 'http' }, { name: 'admin', port: 9000 }],
      env: [
        { name: 'SECRET', value: 's3cret' },
        { name: 'PATH', value: '/custom' },
      ],
      resources: { cpu: '250m', memory: '64Mi' },
    },
  );
  const { args, env } = createArgs(spec, plan());
  const joined = args.join(' ');

  it.each([
    ['--cap-drop all'],
    ['--security-opt no-new-privileges'],
    ['--read-only'],
    [`--uidmap 0:${UID_FIRST}:${UID_BLOCK}`],
    [`--gidmap 0:${UID_FIRST}:${UID_BLOCK}`],
    ['--pull never'],
    ['--pids-limit 64'],
    ['--memory 67108864 --memory-swap 67108864'],
    ['--cpus 0.25'],
    ['--network slirp4netns'],
    ['--publish 127.0.0.1:40001:40001/tcp'],
    ['--publish 127.0.0.1:40002:9000/tcp'],
    ['--volume /state/workloads/w:/work:rw,U'],
  ])('confines with %s', (flag) => expect(joined).toContain(flag));

  it('passes secret values through the environment, not the command line', () => {
    expect(joined).not.toContain('s3cret');
    expect(args).toContain('SECRET');
    expect(env.SECRET).toBe('s3cret');
    // Names podman itself reads from its environment go inline instead.
    expect(args).toContain('PATH=/custom');
    expect(env.PATH).toBeUndefined();
  });

  it('gives the program HOST, container ports and /artifacts for $(ARTIFACTS)', () => {
    expect(env).toMatchObject({ HOST: '0.0.0.0', PORT: '40001', PORT_HTTP: '40001', PORT_ADMIN: '9000' });
    expect(args.slice(-3)).toEqual(['node', '/artifacts/app.mjs', '40001']);
  });

  it('uses no network at all without ports or peers', () => {
    const { args: a } = createArgs({ ...spec, ports: [], env: [] }, plan({ ports: {} }));
    expect(a.join(' ')).toContain('--network none');
  });
});

describe('loopback peers', () => {
  it.each([
    ['http://127.0.0.1:8080', [8080]],
    ['http://localhost:1/x', [1]],
    ['postgres://u@127.0.0.1:5432/db', [5432]],
    ['http://127.0.0.10:8080', []],
    ['http://example.org/127.0.0.1:80', []],
    ['plain 127.0.0.1 text', []],
    ['http://127.0.0.1:99999', []],
  ])('%s names ports %j', (value, ports) => expect(loopbackPorts([value])).toEqual(ports));

  it('keeps peer URLs as they are and gives a peers-only container no network but its own loopback', () => {
    const peerSpec = makeSpec(
      'p',
      { image: IMAGE },
      { runtime: 'container', ports: [], env: [{ name: 'API_URL', value: 'http://127.0.0.1:41000' }] },
    );
    const { args: a, env: e } = createArgs(peerSpec, plan({ ports: {} }));
    expect(a.join(' ')).toContain('--network none');
    expect(a.join(' ')).not.toContain('allow_host_loopback');
    expect(e.API_URL).toBe('http://127.0.0.1:41000');
  });
});

describe('k8s-file log lines', () => {
  it.each([
    ['2026-01-01T00:00:00Z stdout F hello\n', ['hello'], ''],
    ['t stdout P hel\nt stderr F lo\nt stdout F \n', ['hello', ''], ''],
    ['t stdout F a\nt stdout F b', ['a'], 't stdout F b'],
    ['garbage\nt stdout F ok\n', ['ok'], ''],
  ])('%j', (text, lines, rest) => expect(parseK8sFile(text)).toEqual({ lines, rest }));

  it.each([
    ['2026-11-30T12:00:00.5+00:00', ['at noon', 'later']],
    ['2026-11-30T12:00:00.501Z', ['later']],
    ['2026-11-30T13:00:00Z', []],
  ])('since %s keeps lines whose final piece is not older', (since, lines) => {
    const text =
      '2026-11-30T11:59:59.999999999+00:00 stdout F before\n' +
      '2026-11-30T12:00:00.100000000+00:00 stdout P at \n2026-11-30T12:00:00.500000000+00:00 stdout F noon\n' +
      '2026-11-30T12:00:01.000000000+00:00 stderr F later\n';
    expect(parseK8sFile(text, Date.parse(since)).lines).toEqual(lines);
  });
});

describe('uid blocks', () => {
  it('hands out distinct blocks until all are claimed, and reuses released ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-uids-'));
    try {
      const a = new UidBlocks(dir);
      const b = new UidBlocks(dir); // a second driver on the same host
      const x = a.claim('a', () => 0);
      const y = b.claim('b', () => 0);
      expect(x).toBe(UID_FIRST);
      expect(y).toBe(UID_FIRST + UID_BLOCK);
      a.release(x);
      expect(b.claim('c', () => 0)).toBe(UID_FIRST);
      expect(a.claimed().sort()).toEqual([UID_FIRST, UID_FIRST + UID_BLOCK]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

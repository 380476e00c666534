// Tests of the sandbox command line and the uid leases: pure argument building, and leases kept on disk.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isApiError } from '../../../model/errors.js';
import { assertVisible, SANDBOX_WORKDIR, sandboxArgv, visiblePaths, within } from './sandbox.js';
import { PROGRAM, seccompProgram } from './seccomp.js';
import { defaultUidRange, UidLeases } from './uids.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = { bwrap: '/usr/bin/bwrap', setpriv: '/usr/bin/setpriv', readOnly: [], hidden: ['/srv/app/.continuum'] };
const id = { uid: 100_000_007, gid: 100_000_007 };

/** Pairs `flag a b` of an argv, e.g. all --ro-bind sources. */
const after = (args: string[], flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

describe('sandboxArgv', () => {
  const { file, args } = sandboxArgv(cfg, ['/usr', '/etc', '/srv/app'], id, '/var/lib/w/work', {
    file: '/usr/bin/node',
    args: ['server.mjs', '--x'],
  });
  const dashdash = args.indexOf('--');

  it.each([
    ['runs bwrap', () => expect(file).toBe('/usr/bin/bwrap')],
    [
      'unshares PID, IPC, UTS (and cgroup) but not the network',
      () => {
        expect(args).toEqual(expect.arrayContaining(['--unshare-pid', '--unshare-ipc', '--unshare-uts']));
        expect(args).not.toContain('--unshare-net');
        expect(args).not.toContain('--die-with-parent');
      },
    ],
    ['binds the visible paths read-only', () => expect(after(args, '--ro-bind')).toEqual(['/usr', '/etc', '/srv/app'])],
    [
      'makes the path to a bind traversable (bwrap would create it 0700)',
      () => expect(args.join(' ')).toContain('--perms 0755 --dir /srv'),
    ],
    [
      'binds the work dir writable at the fixed path, private /tmp 1777',
      () => {
        expect(args.join(' ')).toContain(`--bind /var/lib/w/work ${SANDBOX_WORKDIR}`);
        expect(args.join(' ')).toContain('--perms 1777 --tmpfs /tmp');
        expect(after(args, '--chdir')).toEqual([SANDBOX_WORKDIR]);
      },
    ],
    [
      'drops to the uid with no groups, no capabilities, no_new_privs, then execs the command',
      () =>
        expect(args.slice(dashdash + 1)).toEqual([
          '/usr/bin/setpriv',
          '--reuid=100000007',
          '--regid=100000007',
          '--clear-groups',
          '--inh-caps=-all',
          '--ambient-caps=-all',
          '--bounding-set=-all',
          '--no-new-privs',
          '--',
          '/usr/bin/node',
          'server.mjs',
          '--x',
        ]),
    ],
  ])('%s', (_, check) => check());

  it('masks a hidden dir (that exists) inside a visible one', () => {
    const data = join(dir, 'app', '.continuum');
    mkdirSync(data, { recursive: true });
    const a = sandboxArgv({ ...cfg, hidden: [data] }, ['/usr', join(dir, 'app')], id, '/w', {
      file: '/bin/true',
      args: [],
    });
    expect(after(a.args, '--tmpfs')).toEqual([data, '/tmp']);
    expect(a.args.indexOf(data)).toBeGreaterThan(a.args.lastIndexOf('--ro-bind')); // after the bind it covers
  });

  it('masks only hidden paths that a visible tree would show', () => {
    const a = sandboxArgv({ ...cfg, hidden: ['/elsewhere/data'] }, ['/usr'], id, '/w', { file: '/bin/true', args: [] });
    expect(after(a.args, '--tmpfs')).toEqual(['/tmp']);
  });

  it('probes die with their parent', () => {
    expect(sandboxArgv(cfg, ['/usr'], id, '/w', { file: '/bin/true', args: [] }, true).args).toContain(
      '--die-with-parent',
    );
  });

  it('refuses a read-only path overlapping the work dir', () => {
    expect(() => sandboxArgv(cfg, ['/home'], id, '/w', { file: '/bin/true', args: [] })).toThrow(/overlaps/);
  });
});

describe('visible paths', () => {
  it.each([
    ['/usr/bin/node', true],
    ['/srv/app/bin/run', true],
    ['/srv/other/run', false],
    ['/srv/application', false],
  ])('%s visible: %s', (file, visible) => {
    const paths = visiblePaths(['/srv/app']);
    if (visible) assertVisible(file, paths);
    else expect(() => assertVisible(file, paths)).toThrow(/outside what a confined workload sees/);
  });

  it.each([
    ['/a/b', '/a', true],
    ['/a', '/a', true],
    ['/ab', '/a', false],
    ['/', '/a', false],
  ])('within(%s, %s) = %s', (child, parent, want) => expect(within(child, parent)).toBe(want));
});

describe('uid leases', () => {
  it('leases distinct uids from the range, keeps them across restarts, releases on remove', () => {
    const stateDir = mkdtempSync(join(dir, 'leases-'));
    const range = { start: 150_000_000, size: 3 };
    const busy = new Set([150_000_001]); // a uid some other process runs as
    const a = new UidLeases(stateDir, range, () => busy);
    const l1 = a.lease('ns/one');
    const l2 = a.lease('ns/two');
    expect([l1.uid, l2.uid]).toEqual([150_000_000, 150_000_002]);
    expect(l1.gid).toBe(l1.uid);
    expect(a.lease('ns/one')).toEqual(l1);
    let err: unknown;
    try {
      a.lease('ns/three');
    } catch (e) {
      err = e;
    }
    expect(isApiError(err, 'Unavailable')).toBe(true);
    const file = join(stateDir, 'uids.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'ns/one': 150_000_000, 'ns/two': 150_000_002 });
    const b = new UidLeases(stateDir, range, () => busy);
    expect(b.get('ns/two')).toEqual(l2);
    b.release('ns/one');
    expect(b.lease('ns/four').uid).toBe(150_000_000);
  });

  it('gives different state dirs different default ranges inside [1e8, 2e8)', () => {
    const r1 = defaultUidRange('/var/lib/continuum/a');
    const r2 = defaultUidRange('/var/lib/continuum/b');
    expect(r1).not.toEqual(r2);
    for (const r of [r1, r2]) {
      expect(r.start).toBeGreaterThanOrEqual(100_000_000);
      expect(r.start + r.size).toBeLessThanOrEqual(200_000_000);
    }
  });
});

describe('seccomp', () => {
  it('opens the program as fd 3 and has bwrap load it', () => {
    const a = sandboxArgv({ ...cfg, seccomp: '/s/seccomp.bpf' }, ['/usr'], id, '/w', { file: '/bin/true', args: [] });
    expect(a.file).toBe('/bin/sh');
    expect(a.args.slice(0, 5)).toEqual([
      '-c',
      'exec 3<"$1" || exit 125; shift; exec "$@"',
      'sh',
      '/s/seccomp.bpf',
      cfg.bwrap,
    ]);
    expect(after(a.args, '--seccomp')).toEqual(['3']);
  });

  it.each([
    ['x64', PROGRAM.length * 8],
    ['arm64', undefined],
  ])('program for %s: %s bytes', (arch, bytes) => expect(seccompProgram(arch)?.length).toBe(bytes));

  it('jumps only forward, inside the program, and ends in returns', () => {
    expect(PROGRAM.at(-1)?.[0]).toBe(0x06);
    PROGRAM.forEach(([code, jt, jf], i) => {
      if (code === 0x06) return expect([jt, jf]).toEqual([0, 0]); // a return
      expect(i + 1 + jt).toBeLessThan(PROGRAM.length);
      expect(i + 1 + jf).toBeLessThan(PROGRAM.length);
    });
  });
});

// Attack tests of the container runtime: tenant A's workload tries to escape and every attempt fails for the right reason.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../lib/testing/index.js';
import type { RunState } from '../driver.js';
import { makeSpec } from '../testing/harness.js';
import { detectContainerRuntime } from './detect.js';
import { createContainerDriver, type ContainerDriver } from './driver.js';
import { ensureNodeImage } from './image.js';
import { Podman, podmanHome } from './podman.js';
import { fixtureArtifact, TEST_PODMAN_HOME, TEST_UID_REGISTRY } from './testing.js';
import { UID_FIRST } from './uids.js';

const available = (await detectContainerRuntime({ home: TEST_PODMAN_HOME })).available;
const FIXTURES = fileURLToPath(new URL('../testing/', import.meta.url));
const ATTACK = fileURLToPath(new URL('./fixtures/attack.mjs', import.meta.url));

/** slirp4netns without host loopback access (even with peers): the host's address (10.0.2.2) is unreachable. */
const NO_HOST_LOOPBACK = 'ENETUNREACH';
/** A host-dependent cgroup v2 path: read-only, not writable, or absent (cgroup v1). */
const CGROUP_V2_DENIED = ['EROFS', 'EACCES', 'ENOENT'];

/** Whether a user other than the owner (root) can read `file`: o+r on it and o+x on every directory above it. */
function readableByOthers(file: string): boolean {
  if (!(statSync(file).mode & 0o004)) return false;
  for (let d = dirname(file); d !== dirname(d); d = dirname(d)) if (!(statSync(d).mode & 0o001)) return false;
  return true;
}

interface Attempt {
  name: string;
  succeeded: boolean;
  error?: string;
  detail?: string;
}

describe.skipIf(!available)('container runtime under attack by tenant A', () => {
  const secret = `b-secret-${randomBytes(12).toString('hex')}`;
  let dir: string;
  let driver: ContainerDriver;
  let cp: Server;
  let a: RunState;
  let b: RunState;
  let results: Attempt[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'continuum-ctr-attack-'));
    // Stand-ins with the real names: the control plane's data dir and an agent's credential, root-only.
    const files = { token: 'admin.token', key: 'signing-key.pem', db: 'continuum.db', cred: 'agent-credential.json' };
    for (const f of Object.values(files)) {
      const p = join(dir, f);
      writeFileSync(p, `${f}: ${secret}\n`, { mode: 0o600 });
    }
    cp = createServer((_q, r) => r.end('control plane')).listen(0, '127.0.0.1');
    await new Promise((ok) => cp.once('listening', ok));
    const cpPort = (cp.address() as { port: number }).port;
    const podman = new Podman(podmanHome(TEST_PODMAN_HOME));
    const image = await ensureNodeImage(podman, {
      name: 'continuum/attack',
      files: [
        { src: FIXTURES, dest: '/fixtures' },
        { src: ATTACK, dest: '/attack/attack.mjs' },
      ],
    });
    const stateDir = join(dir, 'agent', 'drivers', 'container');
    driver = await createContainerDriver({ stateDir, podmanHome: TEST_PODMAN_HOME, uidRegistryDir: TEST_UID_REGISTRY });
    await driver.ensure(
      makeSpec('b', fixtureArtifact(image, 'http-server'), {
        id: 'tenant-b/db',
        runtime: 'container',
        env: [{ name: 'TENANT_B_SECRET', value: secret }],
        resources: { memory: '64Mi' },
      }),
    );
    b = await waitFor(() => driver.get('tenant-b/db')?.ready && driver.get('tenant-b/db'), 'tenant B ready', 60_000);
    // Tenant A's own api: the one peer the attacker declares (a connection's <TO>_URL on the host loopback).
    const api = await driver.ensure(
      makeSpec('api', fixtureArtifact(image, 'http-server'), { id: 'tenant-a/api', runtime: 'container' }),
    );
    await driver.ensure(
      makeSpec(
        'a',
        { image, command: '/bin/node', args: ['/attack/attack.mjs'] },
        {
          id: 'tenant-a/evil',
          runtime: 'container',
          resources: { memory: '64Mi', cpu: '250m' },
          env: [
            { name: 'CP_TOKEN', value: join(dir, files.token) },
            { name: 'CP_KEY', value: join(dir, files.key) },
            { name: 'CP_DB', value: join(dir, files.db) },
            { name: 'CP_PORT', value: String(cpPort) },
            { name: 'AGENT_CREDENTIAL', value: join(dir, files.cred) },
            { name: 'B_SECRET_NAME', value: 'TENANT_B_SECRET' },
            { name: 'B_WORK', value: join(stateDir, 'workloads') },
            { name: 'DRIVER_STATE', value: stateDir },
            { name: 'B_PORT', value: String(b.ports.http) },
            { name: 'API_URL', value: `http://127.0.0.1:${api.ports.http}/` },
            // Loopback URLs of what is not its namespace's workload: never forwarded, whatever the env says.
            { name: 'CP_URL', value: `http://127.0.0.1:${cpPort}/` },
            { name: 'B_URL', value: `http://127.0.0.1:${b.ports.http}/` },
            { name: 'B_HOST_PID', value: String(b.pid) },
          ],
        },
      ),
    );
    a = await waitFor(() => driver.get('tenant-a/evil')?.ready && driver.get('tenant-a/evil'), 'attacker up', 60_000);
    results = await waitFor(
      async () => {
        const r = await fetch(`http://127.0.0.1:${a.ports.http}/`).catch(() => undefined);
        return r?.ok ? ((await r.json()) as Attempt[]) : undefined;
      },
      'attack results',
      60_000,
    );
  }, 180_000);

  afterAll(async () => {
    await driver?.close({ detach: false });
    cp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const result = (name: string): Attempt => {
    const r = results.find((x) => x.name === name);
    if (!r) throw new Error(`no attempt "${name}" in ${JSON.stringify(results.map((x) => x.name))}`);
    return r;
  };

  it.each<[string, string[]]>([
    ['capabilities: any effective capability', ['NOCAPS']],
    ['capabilities: regain with setuid binaries (no_new_privs off)', ['NONEWPRIVS']],
    ['capability CAP_CHOWN: chown a file to another user', ['EPERM']],
    ['capability CAP_NET_BIND_SERVICE: listen on port 80', ['EACCES']],
    ['root: write the kernel settings (/proc/sys)', ['EROFS']],
    ['read control plane admin token', ['ENOENT']],
    ['read control plane signing key', ['ENOENT']],
    ['read control plane database', ['ENOENT']],
    ['read agent credential', ['ENOENT']],
    ['read agent credential via /proc/1/root', ['ENOENT']],
    ['reach the control plane API on the host loopback', [NO_HOST_LOOPBACK]],
    ['reach the control plane API on 127.0.0.1', ['ECONNREFUSED']],
    ['reach the control plane through a loopback URL in its own env', ['ECONNREFUSED']],
    ["read tenant B's secret in another process's environment", ['NOTFOUND']],
    ["read tenant B's work dir", ['ENOENT']],
    ["read the driver's state dir", ['ENOENT']],
    ["connect to tenant B's port on the host loopback", [NO_HOST_LOOPBACK]],
    ["connect to tenant B's port on 127.0.0.1", ['ECONNREFUSED']],
    ['write own cgroup limit /sys/fs/cgroup/memory/memory.limit_in_bytes', ['EROFS']],
    ['write own cgroup limit /sys/fs/cgroup/memory.max', CGROUP_V2_DENIED],
    ['write /bin/node', ['EROFS']],
    ['write /etc/passwd', ['EROFS']],
    ['write /evil', ['EROFS']],
    ['write /artifacts-evil', ['EROFS']],
    ['see processes other than its own', ['NONE']],
    ['signal a process outside the container (kill -0 on host pid of B)', ['ESRCH']],
    ['run a shell', ['ENOENT']],
  ])('%s: fails (%j)', (name, reasons) => {
    const r = result(name);
    expect(r.succeeded, `${name} succeeded: ${r.detail}`).toBe(false);
    expect(reasons).toContain(r.error);
  });

  it('reaches its declared peer through the forward on its own loopback (and nothing else of the host)', () => {
    const r = result('call its declared peer through 127.0.0.1');
    expect(r.succeeded, r.error).toBe(true);
    expect(r.detail).toContain('"pid"'); // the http-server fixture answers with its pid, env, argv
  });

  it('runs as an unprivileged host uid of its own, with no capabilities and no_new_privs (seen from the host)', () => {
    const status = (pid: number, key: string): string =>
      readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${key}:`)) ?? '';
    const uid = (pid: number): number => Number(status(pid, 'Uid').split(/\s+/)[1]);
    expect(uid(a.pid!)).toBeGreaterThanOrEqual(UID_FIRST);
    expect(uid(b.pid!)).toBeGreaterThanOrEqual(UID_FIRST);
    expect(uid(a.pid!)).not.toBe(uid(b.pid!));
    expect(status(a.pid!, 'CapEff')).toMatch(/0{16}$/);
    expect(status(a.pid!, 'CapBnd')).toMatch(/0{16}$/);
    expect(status(a.pid!, 'NoNewPrivs')).toMatch(/1$/);
  });

  it('its memory limit stays what the spec says (64 MiB)', () => {
    const cg = readFileSync(`/proc/${a.pid}/cgroup`, 'utf8').match(/^\d+:memory:(.*)$/m)?.[1];
    expect(cg).toBeDefined();
    expect(Number(readFileSync(`/sys/fs/cgroup/memory${cg}/memory.limit_in_bytes`, 'utf8'))).toBe(64 * 1024 * 1024);
  });

  it("tenant B's secret is in no file of the agent's state dir; where podman keeps it, only root can read", () => {
    const files = (root: string, skip: (p: string) => boolean): string[] => {
      const hits: string[] = [];
      const walk = (p: string): void => {
        const st = statSync(p, { throwIfNoEntry: false });
        if (!st || skip(p)) return;
        if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
        else if (st.isFile() && st.size < 10_000_000 && readFileSync(p).includes(secret)) hits.push(p);
      };
      walk(root);
      return hits;
    };
    expect(files(join(dir, 'agent'), () => false)).toEqual([]);
    expect(statSync(join(dir, 'agent', 'drivers', 'container')).mode & 0o077).toBe(0);
    // podman's container config holds the environment it starts the container with (image layers skipped).
    const home = podmanHome(TEST_PODMAN_HOME, { create: false });
    const inStore = [
      ...files(home.root, (p) => /\/(overlay|overlay-images|overlay-layers)$/.test(p)),
      ...files(home.run, (p) => /\/overlay$/.test(p)),
    ];
    expect(inStore.filter(readableByOthers)).toEqual([]);
  });
});

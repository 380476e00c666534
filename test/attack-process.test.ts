// Attack suite, process runtime: a use-case admin of tenant A runs hostile code on the embedded continuum and fails.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driverStateDir } from '../src/agent/drivers/start.js';
import { detectCgroups } from '../src/agent/drivers/process/cgroups.js';
import { cgroupScope } from '../src/agent/drivers/process/detect.js';
import { sanitiseId, workloadPaths } from '../src/agent/drivers/process/state.js';
import { ContinuumClient } from '../src/client/index.js';
import { startEmbedded, type Embedded } from '../src/embedded/index.js';
import { waitFor } from '../src/lib/testing/index.js';
import { API_VERSION, WorkloadKind, type Workload } from '../src/model/index.js';
import { securityPaths } from '../src/security/index.js';
import { ROOT } from './harness.js';

// The data dir lies inside the package root (the artifact dir every process workload sees read-only), as
// `continuum up` run from a checkout puts it: the hardest place to keep it hidden.
const dataDir = join(ROOT, `.attack-test-${randomBytes(3).toString('hex')}`);
const agentsDir = `${dataDir}-agents`;
const SITE = 'getafe-far';
const SECRET = `tenant-b-secret-${randomBytes(6).toString('hex')}`;
let emb: Embedded;
let admin: ContinuumClient;
const uca: Record<'a' | 'b', ContinuumClient> = {} as never;
const ucaToken: Record<string, string> = {};

const app = (ns: string, name: string, command: string, args: string[], extra: Record<string, unknown> = {}) => ({
  apiVersion: API_VERSION,
  kind: 'Application',
  metadata: { name, namespace: ns },
  spec: { components: [{ name: 'main', runtime: 'process', artifact: { command, args }, ...extra }] },
});
const deployment = (ns: string, name: string) => ({
  apiVersion: API_VERSION,
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { application: name, areas: [{ area: 'madrid', replicas: 1 }], placement: { pinned: { main: SITE } } },
});

/** The tenant's only workload, once its status satisfies `ok`. */
async function workloadOf(c: ContinuumClient, ns: string, ok: (w: Workload) => boolean, what: string) {
  return waitFor(
    async () => {
      const w = (await c.list(WorkloadKind, { namespace: ns })).items.find(ok);
      return w;
    },
    what,
    60_000,
    200,
  );
}

/**
 * The hostile program: every attempt prints `ATTACK <name> SUCCEEDED|DENIED: <output>` on one line, facts
 * print `FACT <name>: <value>`. It gets the host paths it aims at as arguments (an attacker can guess them).
 */
const SCRIPT = String.raw`
try() { n=$1; shift; out=$("$@" 2>&1); rc=$?; out=$(printf '%s' "$out" | tr '\n' ' ' | cut -c1-300)
  if [ $rc -eq 0 ]; then echo "ATTACK $n SUCCEEDED: $out"; else echo "ATTACK $n DENIED: $out"; fi; }
echo "FACT uid: $(id -u)"; echo "FACT gid: $(id -g)"; echo "FACT groups: $(id -G)"
grep -E '^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status | sed 's/^/FACT /'
echo "FACT pids: $(ls /proc | grep -c '^[0-9]')"
for f in /proc/self/fd/*; do echo "FACT fd: $(readlink "$f")"; done
try become-root setpriv --reuid=0 --regid=0 --clear-groups id -u
try gain-capability setpriv --inh-caps=+sys_admin --ambient-caps=+sys_admin id -u
try new-user-namespace unshare -Ur id -u
try userns-root-reads-token unshare -Ur cat "$DATA/admin.token"
try mount-host-root mount --bind / /tmp
try read-admin-token cat "$DATA/admin.token"
try read-signing-key cat "$SIGNING_KEY"
try read-database head -c 64 "$DATA/continuum.db"
try write-database sh -c "echo x >> '$DATA/continuum.db'"
try read-agent-credential cat "$AGENTS/$SITE/credential.json"
try read-tenant-b-environ sh -c "cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -F '$NEEDLE_1$NEEDLE_2'"
try read-victim-environ cat "/proc/$VICTIM_PID/environ"
try read-victim-state cat "$VICTIM_STATE"
try read-victim-files cat "$VICTIM_WORK/notes"
try list-victim-files ls "$VICTIM_WORK"
try signal-victim kill -0 "$VICTIM_PID"
try write-cgroups sh -c 'for f in "$CGROUP_PARENT"/*/memory.limit_in_bytes; do echo 2147483648 > "$f" || exit 1; done'
try write-sys-cgroup sh -c "echo 2147483648 > /sys/fs/cgroup/memory/memory.limit_in_bytes"
try write-usr touch /usr/attack
try write-etc touch /etc/attack
try write-artifacts touch "$ARTIFACTS/attack"
try write-dist touch "$ARTIFACTS/dist/attack"
try write-root touch /attack
try write-own-workdir touch ./mine
try write-private-tmp touch /tmp/mine
echo done
`;

/** Every attempt must fail, for this reason (the positive controls must succeed). */
const EXPECTED: Array<[string, RegExp]> = [
  ['become-root', /Operation not permitted/],
  ['gain-capability', /Operation not permitted|Invalid argument/],
  ['new-user-namespace', /Operation not permitted/], // seccomp: no capabilities in a namespace of its own either
  ['userns-root-reads-token', /Operation not permitted/],
  ['mount-host-root', /only root|must be superuser|Operation not permitted|permission denied/i],
  ['read-admin-token', /No such file or directory/],
  ['read-signing-key', /No such file or directory/],
  ['read-database', /No such file or directory/],
  ['write-database', /No such file or directory|Read-only file system|Permission denied/],
  ['read-agent-credential', /No such file or directory/],
  ['read-tenant-b-environ', /^$/], // grep finds nothing: no other workload's environment is visible
  ['read-victim-environ', /No such file or directory/],
  ['read-victim-state', /No such file or directory/],
  ['read-victim-files', /No such file or directory/],
  ['list-victim-files', /No such file or directory/],
  ['signal-victim', /No such process/],
  ['write-cgroups', /No such file or directory|Directory nonexistent/],
  ['write-sys-cgroup', /No such file or directory|Directory nonexistent/],
  ['write-usr', /Read-only file system/],
  ['write-etc', /Read-only file system/],
  ['write-artifacts', /Read-only file system/],
  ['write-dist', /Read-only file system/],
  ['write-root', /Permission denied/],
];

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

beforeAll(async () => {
  emb = await startEmbedded({ dataDir, port: 0, topology: join(ROOT, 'test', 'fixtures', 'iberia.yaml') });
  admin = new ContinuumClient({ server: emb.url, token: emb.adminToken });
  for (const t of ['a', 'b'] as const) {
    await admin.create({ apiVersion: API_VERSION, kind: 'Namespace', metadata: { name: `tenant-${t}` } });
    const r = await admin.http.json<{ token: string }>('POST', '/auth/v1/tokens', {
      role: 'use-case-admin',
      tenant: `tenant-${t}`,
      ttlSeconds: 3600,
    });
    ucaToken[t] = r.body.token;
    uca[t] = new ContinuumClient({ server: emb.url, token: r.body.token });
  }
}, 60_000);

afterAll(async () => {
  await emb?.stop({ stopWorkloads: true });
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(agentsDir, { recursive: true, force: true });
});

/** What a rejected call threw: its HTTP status and first field path. */
async function refusal(p: Promise<unknown>): Promise<{ status?: number; field?: string; message: string }> {
  const e = (await p.then(
    () => new Error('accepted'),
    (x: unknown) => x,
  )) as { status?: number; errors?: Array<{ field: string }>; message: string };
  return { status: e.status, field: e.errors?.[0]?.field, message: e.message };
}

/** A cloud-edge admin lets tenants A and B run their own commands as (confined) processes (ADR 0024). */
async function grantProcessPolicies(): Promise<void> {
  const r = await admin.http.json<{ token: string }>('POST', '/auth/v1/tokens', {
    role: 'cloud-edge-admin',
    ttlSeconds: 3600,
  });
  const cea = new ContinuumClient({ server: emb.url, token: r.body.token });
  for (const ns of ['tenant-a', 'tenant-b'])
    await cea.apply({
      apiVersion: API_VERSION,
      kind: 'RuntimePolicy',
      metadata: { name: 'own-processes', namespace: ns },
      spec: { runtimes: ['process'] },
    });
}

describe('attack suite: a tenant-A use-case admin against the process runtime', () => {
  it('without a RuntimePolicy its own command is refused, and it cannot grant itself one', async () => {
    const sh = await refusal(uca.a.create(app('tenant-a', 'attacker', '/bin/sh', ['-c', 'id'])));
    expect(sh).toMatchObject({ status: 403, field: 'spec.components[0].runtime' });
    expect(sh.message).toMatch(/runtime process may not run this command in namespace tenant-a/);
    // The embedded user's permissive policy lives in `default`, which is not tenant A's.
    expect((await refusal(uca.a.create(app('default', 'attacker', '/bin/sh', ['-c', 'id'])))).status).toBe(403);
    const own = {
      apiVersion: API_VERSION,
      kind: 'RuntimePolicy',
      metadata: { name: 'mine', namespace: 'tenant-a' },
      spec: { runtimes: ['process'] },
    };
    expect((await refusal(uca.a.create(own))).status).toBe(403);
    const entry = {
      apiVersion: API_VERSION,
      kind: 'ApprovedArtifact',
      metadata: { name: 'sh' },
      spec: { command: '/bin/sh', sha256: 'a'.repeat(64) },
    };
    expect((await refusal(uca.a.create(entry))).status).toBe(403);
    // An admin's catalogue entry (pinned by digest) runs without a policy; another program with its digest does not.
    const digest = createHash('sha256').update(readFileSync('/usr/bin/true')).digest('hex');
    await admin.create({ ...entry, metadata: { name: 'true' }, spec: { command: '/usr/bin/true', sha256: digest } });
    await uca.a.create(app('tenant-a', 'approved', '', [], { artifact: { command: '/usr/bin/true', sha256: digest } }));
    const fake = app('tenant-a', 'fake', '', [], {
      artifact: { command: '/bin/sh', args: ['-c', 'id'], sha256: digest },
    });
    expect(await refusal(uca.a.create(fake))).toMatchObject({ status: 403, field: 'spec.components[0].runtime' });
  });

  it('every attempt fails, for the expected reason', async () => {
    await grantProcessPolicies();
    // Tenant B: a Secret, and a workload that gets it through its environment and keeps notes in its work dir.
    await uca.b.create({
      apiVersion: API_VERSION,
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'tenant-b' },
      spec: { type: 'opaque', stringData: { password: SECRET } },
    });
    await uca.b.create(
      app('tenant-b', 'victim', '/bin/sh', ['-c', 'echo "$DB_PASSWORD" > notes; exec sleep 3600'], {
        resources: { memory: '64Mi' },
        env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
      }),
    );
    await uca.b.create(deployment('tenant-b', 'victim'));
    const victim = await workloadOf(uca.b, 'tenant-b', (w) => w.status?.phase === 'Running', 'the victim Running');
    const procDir = driverStateDir(join(agentsDir, SITE), 'process');
    const victimPaths = workloadPaths(procDir, `tenant-b/${victim.metadata.name}`);
    expect(readFileSync(join(victimPaths.work, 'notes'), 'utf8').trim()).toBe(SECRET); // the target exists

    // Tenant A's admin runs a shell with the attack script on the same site.
    const keys = securityPaths(dataDir);
    const cgroups = detectCgroups(cgroupScope(procDir));
    const victimCgroup =
      cgroups.parents.memory && join(cgroups.parents.memory, sanitiseId(`tenant-b/${victim.metadata.name}`));
    const env = {
      DATA: dataDir,
      SIGNING_KEY: keys.tokenKeys,
      AGENTS: agentsDir,
      SITE,
      // Split, so the attacker's own environment does not contain the needle it greps for.
      NEEDLE_1: SECRET.slice(0, 10),
      NEEDLE_2: SECRET.slice(10),
      VICTIM_PID: String(victim.status?.pid),
      VICTIM_STATE: victimPaths.state,
      VICTIM_WORK: victimPaths.work,
      CGROUP_PARENT: cgroups.parents.memory ?? '/sys/fs/cgroup/memory',
    };
    await uca.a.create(
      app('tenant-a', 'attacker', '/bin/sh', ['-c', SCRIPT], {
        env: Object.entries(env).map(([name, value]) => ({ name, value })),
        restartPolicy: 'Never',
        resources: { memory: '64Mi' },
      }),
    );
    await uca.a.create(deployment('tenant-a', 'attacker'));
    const done = await workloadOf(
      uca.a,
      'tenant-a',
      (w) => w.status?.phase === 'Terminated' || w.status?.phase === 'Failed',
      'the attack script finished',
    );
    let text = '';
    for await (const chunk of uca.a.logs('tenant-a', done.metadata.name, {})) text += chunk;
    const lines = text.split('\n');
    expect(lines, text).toContain('done');
    const result = new Map<string, { ok: boolean; out: string }>();
    const facts = new Map<string, string>();
    const fds: string[] = [];
    for (const l of lines) {
      const a = /^ATTACK (\S+) (SUCCEEDED|DENIED): ?(.*)$/.exec(l);
      if (a) result.set(a[1], { ok: a[2] === 'SUCCEEDED', out: a[3].trim() });
      const f = /^FACT (\S+): ?(.*)$/.exec(l);
      if (f) facts.set(f[1], f[2].trim());
      if (f?.[1] === 'fd') fds.push(f[2].trim());
    }

    // Who the workload is: an unprivileged uid of its own, without capabilities, no_new_privs set.
    const uid = Number(facts.get('uid'));
    expect(uid).toBeGreaterThanOrEqual(100_000_000);
    expect(facts.get('gid')).toBe(String(uid));
    expect(facts.get('groups')).toBe(String(uid));
    for (const cap of ['CapEff', 'CapPrm', 'CapBnd', 'CapAmb']) expect(facts.get(cap), cap).toMatch(/^0+$/);
    expect(facts.get('NoNewPrivs')).toBe('1');
    expect(Number(facts.get('pids'))).toBeLessThan(10); // its own PID namespace: only its own processes
    // No open file of the agent leaks in (the seccomp program's fd is closed by bwrap once loaded); stdout and
    // stderr are its own log file, opened by the agent.
    const ownLog = /\/workloads\/tenant-a_2f_attacker[^/]*\/logs\/current\.log$/;
    for (const target of fds.filter((t) => !ownLog.test(t)))
      expect(target, text).not.toMatch(/seccomp|continuum\.db|attack-test|workloads|credential/);

    for (const [name, why] of EXPECTED) {
      const r = result.get(name);
      expect(r, `attempt ${name} ran`).toBeDefined();
      expect(r?.ok, `attempt ${name} must fail: ${r?.out}`).toBe(false);
      expect(r?.out, `attempt ${name}`).toMatch(why);
    }
    // The victim's memory limit is untouched, and its cgroup files are root's, writable by no workload uid.
    if (victimCgroup) {
      const limit = join(victimCgroup, 'memory.limit_in_bytes');
      expect(readFileSync(limit, 'utf8').trim()).toBe(String(64 * 1024 * 1024));
      expect(statSync(limit).uid).toBe(0);
      expect(statSync(limit).mode & 0o022).toBe(0);
    }
    for (const control of ['write-own-workdir', 'write-private-tmp'])
      expect(result.get(control)?.ok, `${control} (positive control) ${result.get(control)?.out}`).toBe(true);

    // Tenant B's Secret through the agent API: not with tenant A's token, not with another site's agent credential.
    const envPath = `/agent/v1/workloads/tenant-b/${victim.metadata.name}/env`;
    for (const token of [ucaToken.a, await agentTokenOf('valencia-near')]) {
      const r = await fetch(`${emb.url}${envPath}`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(403);
      expect(await r.text()).not.toContain(SECRET);
    }

    // At rest: no file of any agent (state, logs, credentials) holds the Secret's value — only the victim's own
    // work dir, where the victim itself wrote it; state and credential files are 0600.
    for (const f of filesUnder(agentsDir)) {
      if (f === join(victimPaths.work, 'notes')) continue;
      expect(readFileSync(f, 'latin1').includes(SECRET), f).toBe(false);
      if (/(state|credential|uids)\.json$/.test(f)) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    }
  }, 180_000);
});

/** The saved credential of another site's embedded agent (what a workload would steal if it could). */
async function agentTokenOf(site: string): Promise<string> {
  const c = JSON.parse(readFileSync(join(agentsDir, site, 'credential.json'), 'utf8')) as { token: string };
  return c.token;
}

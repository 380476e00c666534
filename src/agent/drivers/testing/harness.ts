// Test harness for driver suites: temporary state dirs, spec builder, the shared waits, and leak-proof cleanup.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../lib/testing/index.js';
import type { RunSpec, RunState, RuntimeDriver } from '../driver.js';

export { sleep, waitFor } from '../../../lib/testing/index.js';

/** True once no process with this pid exists (a zombie counts as gone). */
export function pidGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return / [ZX] /.test(stat.slice(stat.lastIndexOf(')')));
  } catch {
    return true;
  }
}

/**
 * The host pid of the live member of process group `pgid` whose innermost (PID-namespace) pid is `nsPid`, or 0.
 * A confined workload reports its pid inside its sandbox; this maps it back to the host and ties it to the sandbox.
 */
export function hostPidOf(nsPid: number, pgid: number): number {
  for (const e of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid || fields[0] === 'Z') continue;
      const ns =
        /^NSpid:\s+(.*)$/m
          .exec(readFileSync(`/proc/${e}/status`, 'utf8'))?.[1]
          ?.trim()
          .split(/\s+/) ?? [];
      if (ns.length > 1 && Number(ns.at(-1)) === nsPid) return Number(e);
    } catch {
      /* gone */
    }
  }
  return 0;
}

export type MakeDriver = (stateDir: string) => Promise<RuntimeDriver>;

/** Drivers, dirs and pids of one test; `cleanup` closes every driver and SIGKILLs every group ever seen. */
export class Harness {
  readonly events: RunState[] = [];
  private readonly drivers: RuntimeDriver[] = [];
  private readonly dirs: string[] = [];
  private readonly pids = new Set<number>();

  constructor(private readonly make: MakeDriver) {}

  newStateDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'continuum-driver-'));
    this.dirs.push(d);
    return d;
  }

  /** A driver on `stateDir` (a fresh one by default) whose events are recorded in `events`. */
  async driver(stateDir = this.newStateDir()): Promise<RuntimeDriver> {
    const d = await this.make(stateDir);
    this.drivers.push(d);
    for (const s of d.list()) this.note(s);
    d.onChange((s) => {
      this.note(s);
      this.events.push(s);
    });
    return d;
  }

  /** Remembers a state's pid so cleanup can kill its group even if the driver under test misbehaves. */
  note(s: RunState | undefined): RunState | undefined {
    if (s?.pid) this.pids.add(s.pid);
    return s;
  }

  /** Remembers a pid started outside any driver of this harness (e.g. by a child agent process). */
  notePid(pid: number): void {
    this.pids.add(pid);
  }

  eventsOf(id: string): RunState[] {
    return this.events.filter((e) => e.id === id);
  }

  async cleanup(): Promise<void> {
    for (const d of this.drivers) await d.close({ detach: false }).catch(() => {});
    for (const pid of this.pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** A RunSpec with small, fast defaults; `over` replaces fields. */
export function makeSpec(name: string, artifact: RunSpec['artifact'], over: Partial<RunSpec> = {}): RunSpec {
  return {
    id: `conformance/${name}`,
    uid: `uid-${name}`,
    generation: 1,
    runtime: 'process',
    artifact,
    ports: [{ name: 'http' }],
    env: [],
    resources: {},
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 2,
    ...over,
  };
}

type FixtureBody = { pid: number; env: Record<string, string>; argv: string[]; cwd: string };

/**
 * GET http://host:port/ of a fixture HTTP server, parsed. Connection refusals are retried for a moment:
 * without a health check, "ready" only means "up for a while", not "listening".
 */
export async function getJson(state: RunState, port = 'http', path = '/'): Promise<FixtureBody> {
  const url = `http://${state.host}:${state.ports[port]}${path}`;
  return waitFor(async () => (await (await fetch(url)).json()) as FixtureBody, `${url} to answer`, 5000);
}

/** Collects lines of an async iterable until `enough` says so, then aborts `ac`. */
export async function collect(
  lines: AsyncIterable<string>,
  enough: (ls: string[]) => boolean,
  ac?: AbortController,
): Promise<string[]> {
  const out: string[] = [];
  for await (const l of lines) {
    out.push(l);
    if (enough(out)) {
      ac?.abort();
      break;
    }
  }
  return out;
}

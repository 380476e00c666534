// Test support for the function driver: a fresh driver per test on a temp state dir, cleaned up afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import type { Artifact } from '../../../../model/index.js';
import type { RunSpec } from '../../driver.js';
import { Harness, makeSpec } from '../../testing/harness.js';
import { createFunctionDriver, type FunctionDriver, type FunctionDriverOptions } from '../driver.js';
import { FN_FIXTURE_DIR } from './fixtures.js';

/** A driver (confined instances, fixtures readable) plus a fake agent state dir holding a secret it must hide. */
export async function fnSetup(
  ctx: TestContext,
  extra: Partial<FunctionDriverOptions> = {},
): Promise<{ h: Harness; d: FunctionDriver; stateDir: string; agentStateDir: string }> {
  const agentStateDir = mkdtempSync(join(tmpdir(), 'continuum-fn-agent-'));
  writeFileSync(join(agentStateDir, 'agent.token'), 'secret-agent-credential\n', { mode: 0o600 });
  const h = new Harness((stateDir) =>
    createFunctionDriver({
      stateDir,
      agentStateDir,
      backoff: { baseMs: 20, maxMs: 1000, resetAfterMs: 5000 },
      readOnlyPaths: [FN_FIXTURE_DIR],
      ...extra,
    }),
  );
  ctx.onTestFinished(async () => {
    await h.cleanup();
    rmSync(agentStateDir, { recursive: true, force: true });
  });
  const stateDir = h.newStateDir();
  return { h, d: (await h.driver(stateDir)) as FunctionDriver, stateDir, agentStateDir };
}

/** A function RunSpec in `namespace` (the tenant) for an artifact. */
export const fnSpec = (
  name: string,
  artifact: Artifact,
  over: Partial<RunSpec> = {},
  namespace = 'tenant-a',
): RunSpec => ({
  ...makeSpec(name, artifact, { runtime: 'function', ...over }),
  id: `${namespace}/${name}`,
});

/** GET a function's public port; the body parsed as JSON with the start header. */
export async function call(
  port: number,
  path = '/',
): Promise<{ status: number; start: string | null; coldMs: number | undefined; body: any }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(30_000) });
  const cold = r.headers.get('x-continuum-cold-start-ms');
  return {
    status: r.status,
    start: r.headers.get('x-continuum-start'),
    coldMs: cold === null ? undefined : Number(cold),
    body: await r.json(),
  };
}

// One structured log for a control plane: controller and request lines are all JSON, requests carry their request id.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStructuredLogger } from '../lib/index.js';
import { API_VERSION } from '../model/index.js';
import { waitFor } from '../lib/testing/index.js';
import { startControlPlane, type ControlPlane } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-log-'));
let cp: ControlPlane | undefined;
afterAll(async () => {
  await cp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('control plane logging', () => {
  it('writes only JSON lines, request lines with the request id the server gave', async () => {
    const lines: string[] = [];
    const log = createStructuredLogger({ level: 'debug', write: (l) => lines.push(l) });
    cp = await startControlPlane({ dataDir: dir, port: 0, log, logRequests: true });
    const r = await fetch(`${cp.url}/apis/${API_VERSION}/sites`, {
      headers: { authorization: `Bearer ${cp.adminToken}`, 'x-request-id': 'trace-me-42' },
    });
    expect(r.status).toBe(200);
    // Request ids are the server's (a client's X-Request-Id is kept beside it, never used as ours).
    const id = r.headers.get('x-request-id')!;
    expect(id).toBeTruthy();
    expect(id).not.toBe('trace-me-42');
    expect(r.headers.get('x-client-request-id')).toBe('trace-me-42');
    await waitFor(() => lines.some((l) => l.includes(id) && l.includes('request completed')), 'a log line');
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = rows.filter((x) => x.reqId === id);
    expect(mine.map((x) => x.msg)).toEqual(['incoming request', 'request completed']);
    expect(mine.every((x) => x.component === 'api' && typeof x.time === 'string')).toBe(true);
    // The token never reaches the log.
    expect(lines.join('')).not.toContain(cp.adminToken);
  });
});

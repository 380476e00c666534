// Tests of the driver factory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { isApiError } from '../../model/errors.js';
import { createDriver } from './index.js';

test('createDriver builds the process driver and refuses what it cannot build', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'continuum-factory-'));
  try {
    const d = await createDriver('process', { stateDir });
    expect(d.name).toBe('process');
    expect(d.list()).toEqual([]);
    await d.close({ detach: false });
    // The kubernetes driver needs a kubeconfig (ADR 0019).
    await expect(createDriver('kubernetes', { stateDir })).rejects.toSatisfy((e) => isApiError(e, 'BadRequest'));
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

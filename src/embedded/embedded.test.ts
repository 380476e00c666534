// Where `continuum up` keeps its embedded agents: outside the control plane's data dir, moving an older layout once.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedAgentsDir } from './embedded.js';

const root = mkdtempSync(join(tmpdir(), 'continuum-embedded-dirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('embeddedAgentsDir', () => {
  it.each([
    ['default: beside the data dir', 'a/.continuum', undefined, 'a/.continuum-agents'],
    ['an explicit dir', 'b/data', 'b/elsewhere', 'b/elsewhere'],
  ])('%s', (_, data, explicit, want) => {
    const got = embeddedAgentsDir(join(root, data), explicit && join(root, explicit));
    expect(got).toBe(join(root, want));
    expect(statSync(got).mode & 0o777).toBe(0o700);
    expect(got.startsWith(join(root, data) + '/')).toBe(false);
  });

  it('moves the agents an older `continuum up` kept inside the data dir', () => {
    const data = join(root, 'old');
    mkdirSync(join(data, 'agents', 'site-1'), { recursive: true });
    writeFileSync(join(data, 'agents', 'site-1', 'credential.json'), '{}');
    const got = embeddedAgentsDir(data);
    expect(existsSync(join(data, 'agents'))).toBe(false);
    expect(existsSync(join(got, 'site-1', 'credential.json'))).toBe(true);
  });
});

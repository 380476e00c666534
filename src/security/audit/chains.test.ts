// Tests for audit chain claiming: one writer per chain, replicas on one data dir get their own chain, stale locks are taken over.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditChains, claimAuditChain } from './chains.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctm-chains-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('audit chains', () => {
  it.each([
    ['a live holder (this process)', () => ({ pid: process.pid, host: hostname() }), 'audit-2'],
    ['a live holder on another host', () => ({ pid: 1, host: 'elsewhere' }), 'audit-2'],
    ['a dead process of this host (after kill -9)', () => ({ pid: 2 ** 22 + 12345, host: hostname() }), 'audit'],
  ])('with the first chain locked by %s, a new writer gets %s', (_what, owner, want) => {
    const a = claimAuditChain(dir);
    expect(a.name).toBe('audit');
    a.release();
    writeFileSync(join(dir, 'audit', 'audit.lock'), JSON.stringify(owner()));
    const b = claimAuditChain(dir);
    expect(b.name).toBe(want);
    b.release();
  });

  it('releases on close and lists every chain, the first one first', () => {
    const a = claimAuditChain(dir);
    const b = claimAuditChain(dir);
    const c = claimAuditChain(dir);
    expect([a.name, b.name, c.name]).toEqual(['audit', 'audit-2', 'audit-3']);
    b.release();
    const d = claimAuditChain(dir);
    expect(d.name).toBe('audit-2');
    for (const x of [a, c, d]) writeFileSync(x.log, '');
    expect(auditChains(dir).map((x) => x.name)).toEqual(['audit', 'audit-2', 'audit-3']);
    for (const x of [a, c, d]) x.release();
  });
});

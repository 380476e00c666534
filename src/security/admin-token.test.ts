// admin.token at start: created, kept, given facts when an older data dir has none, replaced once expired.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureAdminTokenState, readAdminToken, rotateAdminToken, tokenSha256 } from './admin-token.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctm-admin-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = new Date('2026-11-30T12:00:00Z');
const later = (s: number) => new Date(T0.getTime() + s * 1000);

describe('admin token state', () => {
  it('is created private with an expiry, kept while valid and replaced once expired', () => {
    const first = ensureAdminTokenState(dir, 60, T0);
    expect(first.rotated).toBe('created');
    expect(statSync(join(dir, 'admin.token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'admin.token.json')).mode & 0o777).toBe(0o600);
    expect(first.meta.expiresAt).toBe(later(60).toISOString());
    const kept = ensureAdminTokenState(dir, 60, later(59));
    expect([kept.token, kept.rotated]).toEqual([first.token, undefined]);
    const replaced = ensureAdminTokenState(dir, 60, later(60));
    expect(replaced.rotated).toBe('expired');
    expect(replaced.token).not.toBe(first.token);
    expect(replaced.meta.revoked?.[0].sha256).toBe(tokenSha256(first.token));
    expect(readFileSync(join(dir, 'admin.token'), 'utf8').trim()).toBe(replaced.token);
  });

  it('gives an older data dir facts (its token keeps working) and ttl 0 means no expiry', () => {
    writeFileSync(join(dir, 'admin.token'), 'cnt_legacy\n', { mode: 0o600 });
    const s = ensureAdminTokenState(dir, 0, T0);
    expect([s.token, s.rotated, s.meta.expiresAt]).toEqual(['cnt_legacy', undefined, undefined]);
    expect(readAdminToken(dir)?.meta?.sha256).toBe(tokenSha256('cnt_legacy'));
  });

  it('rotation points the data dir config at the new token and ignores facts about another token', () => {
    const a = ensureAdminTokenState(dir, 60, T0);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ server: 'x', token: a.token }));
    const b = rotateAdminToken(dir, 60, later(1));
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).token).toBe(b.token);
    writeFileSync(join(dir, 'admin.token'), 'cnt_other\n');
    expect(readAdminToken(dir)).toEqual({ token: 'cnt_other' });
  });
});

// Token signing-key rotation: old keys verify until no token they signed can be valid, then they are retired.
import { describe, expect, it } from 'vitest';
import { TokenKeyring } from './token-keys.js';

const day = 24 * 3600 * 1000;
const at = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * day);

describe('TokenKeyring.retireExpired', () => {
  it.each([
    ['keeps a key demoted less than the max TTL ago', 10, 30, 1],
    ['retires a key demoted more than the max TTL ago', 40, 30, 0],
  ])('%s', (_name, daysLater, maxTtlDays, oldKept) => {
    const ring = TokenKeyring.ephemeral(at(0));
    const old = ring.primary.kid;
    const fresh = ring.rotate(at(1));
    const retired = ring.retireExpired(maxTtlDays * 24 * 3600, at(1 + daysLater));
    expect(ring.kids().includes(old)).toBe(oldKept === 1);
    expect(retired).toEqual(oldKept ? [] : [old]);
    expect(ring.primary.kid).toBe(fresh);
  });

  it('never retires the primary key, however old', () => {
    const ring = TokenKeyring.ephemeral(at(0));
    expect(ring.retireExpired(1, at(1000))).toEqual([]);
    expect(ring.kids()).toHaveLength(1);
  });
});

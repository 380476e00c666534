// Per-workload user namespaces: host-wide unique blocks of subordinate uids/gids, claimed atomically on disk.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Size of one workload's id block: container uids 0..65535 map to host uids base..base+65535. */
export const UID_BLOCK = 65536;
/** First host uid handed out (well above any login or system user, and above the process runtime's range). */
export const UID_FIRST = 1 << 24;
/** Number of blocks (2^24 .. 2^24 + 4096·65536 = 2^28 + 2^24). */
export const UID_BLOCKS = 4096;

/**
 * A registry of claimed blocks: one directory per claimed block under `dir` (mkdir is atomic, so two drivers on
 * one host never get the same block), holding the owner's description for an operator.
 */
export class UidBlocks {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Claims a free block for `owner` and returns its first host uid. */
  claim(owner: string, random: () => number = Math.random): number {
    const start = Math.floor(random() * UID_BLOCKS);
    for (let i = 0; i < UID_BLOCKS; i++) {
      const block = (start + i) % UID_BLOCKS;
      const base = UID_FIRST + block * UID_BLOCK;
      try {
        mkdirSync(join(this.dir, String(base)), { mode: 0o700 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      writeFileSync(join(this.dir, String(base), 'owner'), `${owner}\n`, { mode: 0o600 });
      return base;
    }
    throw new Error(`all ${UID_BLOCKS} user-namespace id blocks under ${this.dir} are claimed`);
  }

  /** Re-claims a block an adopted container already uses (no-op when still claimed). */
  reclaim(base: number, owner: string): void {
    mkdirSync(join(this.dir, String(base)), { recursive: true, mode: 0o700 });
    writeFileSync(join(this.dir, String(base), 'owner'), `${owner}\n`, { mode: 0o600 });
  }

  release(base: number): void {
    rmSync(join(this.dir, String(base)), { recursive: true, force: true });
  }

  claimed(): number[] {
    return readdirSync(this.dir)
      .map(Number)
      .filter((n) => Number.isInteger(n));
  }
}

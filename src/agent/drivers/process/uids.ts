// Per-workload unprivileged uids: leased from the site's range, kept across agent restarts, released on remove.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError } from '../../../model/errors.js';

/** uids start..start+size-1; the gid of a workload equals its uid. */
export interface UidRange {
  start: number;
  size: number;
}

export interface Identity {
  uid: number;
  gid: number;
}

/** Ranges lie in [100 000 000, 200 000 000): far above system and login users (and subuid ranges of 65536·n). */
const RANGE_BASE = 100_000_000;
const RANGE_SIZE = 10_000;
const RANGE_SLOTS = 10_000;

/**
 * The default range of a driver on `stateDir`: one of 10 000 disjoint slots of 10 000 uids, chosen by a hash
 * of the state dir, so the agents of several sites on one host lease from different ranges. A uid still in
 * use by a process (another agent's, in the rare case two slots collide) is never leased.
 */
export function defaultUidRange(stateDir: string): UidRange {
  const h = createHash('sha256').update(resolve(stateDir)).digest().readUInt32BE(0);
  return { start: RANGE_BASE + (h % RANGE_SLOTS) * RANGE_SIZE, size: RANGE_SIZE };
}

/** uids owning a live process on this host (real uid, from /proc/<pid>/status). */
export function uidsInUse(): Set<number> {
  const out = new Set<number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${e}/status`, 'utf8'));
      if (m) out.add(Number(m[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/**
 * The leases of one driver, persisted in `<stateDir>/uids.json` (0600; only the driver holding the state-dir
 * lock writes it). A workload keeps its uid while it exists, whatever its generation, and across restarts.
 */
export class UidLeases {
  private readonly file: string;
  private readonly leases = new Map<string, number>();

  constructor(
    stateDir: string,
    readonly range: UidRange,
    private readonly inUse: () => Set<number> = uidsInUse,
  ) {
    this.file = join(stateDir, 'uids.json');
    try {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>;
      for (const [id, uid] of Object.entries(saved)) if (typeof uid === 'number') this.leases.set(id, uid);
    } catch {
      /* none yet */
    }
  }

  /** The workload's uid, leasing a free one on first use. Throws Unavailable when the range is exhausted. */
  lease(id: string): Identity {
    const have = this.leases.get(id);
    if (have !== undefined) return { uid: have, gid: have };
    const taken = new Set(this.leases.values());
    const busy = this.inUse();
    for (let i = 0; i < this.range.size; i++) {
      const uid = this.range.start + i;
      if (taken.has(uid) || busy.has(uid)) continue;
      this.leases.set(id, uid);
      this.save();
      return { uid, gid: uid };
    }
    throw new ApiError(
      'Unavailable',
      `no free uid in ${this.range.start}-${this.range.start + this.range.size - 1} for workload ${id}`,
    );
  }

  get(id: string): Identity | undefined {
    const uid = this.leases.get(id);
    return uid === undefined ? undefined : { uid, gid: uid };
  }

  release(id: string): void {
    if (this.leases.delete(id)) this.save();
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.leases)), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

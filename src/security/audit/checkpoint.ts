// Signed audit checkpoints: "record N with chain hash H existed at time T", so exported ranges vouch for their end.
import { createHash, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { canonicalJson, signHash, verifyHash } from './record.js';
import { readLines } from './sink.js';

/**
 * `seq` and `hash` name the newest record covered. Periodic checkpoints are written beside the log while it grows;
 * an export ends with a `final` one for its last record, so cutting records off an export's end is detected.
 */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  time: string;
  final?: boolean;
}

/** One line of a checkpoint file or of an export. */
export interface CheckpointLine {
  checkpoint: AuditCheckpoint;
  /** base64url Ed25519 signature (audit key) of the checkpoint's domain-separated digest. */
  sig: string;
}

const digest = (c: AuditCheckpoint): string =>
  createHash('sha256')
    .update(
      canonicalJson({
        type: 'continuum-audit-checkpoint',
        seq: c.seq,
        hash: c.hash,
        time: c.time,
        ...(c.final ? { final: true } : {}),
      }),
    )
    .digest('hex');

export function signCheckpoint(c: AuditCheckpoint, privateKey: KeyObject): CheckpointLine {
  const checkpoint: AuditCheckpoint = { seq: c.seq, hash: c.hash, time: c.time, ...(c.final ? { final: true } : {}) };
  return { checkpoint, sig: signHash(digest(checkpoint), privateKey) };
}

export function verifyCheckpoint(line: CheckpointLine, publicKey: KeyObject): boolean {
  const c = line.checkpoint;
  return (
    c !== null &&
    typeof c === 'object' &&
    Number.isSafeInteger(c.seq) &&
    typeof c.hash === 'string' &&
    typeof c.time === 'string' &&
    typeof line.sig === 'string' &&
    verifyHash(digest(c), line.sig, publicKey)
  );
}

export const isCheckpointLine = (o: unknown): o is CheckpointLine =>
  o !== null && typeof o === 'object' && 'checkpoint' in o;

/** The periodic checkpoints of a chain, by the seq they cover (as stored lines). */
export async function readCheckpoints(path: string | undefined): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (!path || !existsSync(path)) return out;
  for await (const line of readLines(path)) {
    try {
      const c = JSON.parse(line) as CheckpointLine;
      if (!isCheckpointLine(c)) continue;
      out.set(c.checkpoint.seq, [...(out.get(c.checkpoint.seq) ?? []), line]);
    } catch {
      /* a torn last line after a crash: that checkpoint is simply missing */
    }
  }
  return out;
}

/** When the log writes its next periodic checkpoint: after `records` records or `ms` since the last one. */
export interface CheckpointPolicy {
  records?: number;
  ms?: number;
}
export const DEFAULT_CHECKPOINTS: Required<CheckpointPolicy> = { records: 1000, ms: 60_000 };

// The append-only audit log: seals entries into a hash chain, signs them, and writes them with group commit.
import type { KeyObject } from 'node:crypto';
import type { Principal } from '../principal.js';
import { describePrincipal } from '../principal.js';
import {
  GENESIS,
  hashRecord,
  sanitizeEntry,
  signHash,
  signHead,
  verifyHash,
  type AuditEntry,
  type AuditRecord,
} from './record.js';
import type { AuditSink } from './sink.js';
import { DEFAULT_CHECKPOINTS, signCheckpoint, type CheckpointPolicy } from './checkpoint.js';

export interface AuditLogOptions {
  now?: () => Date;
  /** When to write periodic signed checkpoints (default every 1000 records or 60 s, whichever comes first). */
  checkpoints?: CheckpointPolicy;
}

/**
 * Appends records to one chain. Guarantees: records get consecutive `seq` in call order; the
 * promise from append() resolves only after the record is durable in the sink (concurrent appends
 * share one write + fsync); after any write failure the log is broken and every further append
 * rejects, so callers fail closed (the API answers 503 to mutating requests). One writer per sink.
 */
export class AuditLog {
  private queue: Array<{
    line: string;
    rec: AuditRecord;
    resolve: (r: AuditRecord) => void;
    reject: (e: unknown) => void;
  }> = [];
  private flushing: Promise<void> | undefined;
  private broken: unknown;

  private constructor(
    private readonly sink: AuditSink,
    private readonly key: { privateKey: KeyObject; publicKey: KeyObject },
    private seq: number,
    private prev: string,
    private readonly now: () => Date,
    private readonly policy: Required<CheckpointPolicy> = DEFAULT_CHECKPOINTS,
  ) {}

  /** Records appended since the last checkpoint, and the record time of that checkpoint (first batch: unset). */
  private sinceCheckpoint = 0;
  private lastCheckpointAt: number | undefined;

  /**
   * Resumes the chain after the sink's last record. Refuses to open when the tail record is not
   * intact or the signed head points beyond the tail (records were cut off while we were down):
   * appending would paper over the gap. Move the file aside to start a new chain.
   */
  static async open(
    sink: AuditSink,
    key: { privateKey: KeyObject; publicKey: KeyObject },
    opts: AuditLogOptions = {},
  ): Promise<AuditLog> {
    const now = opts.now ?? (() => new Date());
    const tail = await sink.tail();
    let seq = 0;
    let prev = GENESIS;
    if (tail !== undefined) {
      let rec: AuditRecord;
      try {
        rec = JSON.parse(tail) as AuditRecord;
      } catch {
        throw new Error('audit log: last record is not valid JSON; run `continuum audit verify`');
      }
      if (hashRecord(rec) !== rec.hash || !verifyHash(rec.hash, rec.sig, key.publicKey)) {
        throw new Error(
          `audit log: last record (seq ${String(rec.seq)}) fails its hash or signature; run \`continuum audit verify\``,
        );
      }
      seq = rec.seq + 1;
      prev = rec.hash;
    }
    const headText = await sink.readHead();
    if (headText) {
      const head = JSON.parse(headText) as { seq: number; hash: string };
      if (head.seq >= seq || (head.seq === seq - 1 && head.hash !== prev)) {
        throw new Error(
          `audit log: head names record ${head.seq} but the log ends at ${seq - 1}; records were removed; run \`continuum audit verify\``,
        );
      }
    }
    return new AuditLog(sink, key, seq, prev, now, { ...DEFAULT_CHECKPOINTS, ...opts.checkpoints });
  }

  /** Seals and appends one entry; resolves with the stored record once it is durable. */
  append(entry: AuditEntry): Promise<AuditRecord> {
    if (this.broken !== undefined) return Promise.reject(new Error(`audit log is unavailable: ${String(this.broken)}`));
    const body = { ...sanitizeEntry(entry, this.now()), seq: this.seq, prev: this.prev };
    const hash = hashRecord(body);
    const rec: AuditRecord = { ...body, hash, sig: signHash(hash, this.key.privateKey) };
    this.seq += 1;
    this.prev = hash;
    return new Promise((resolve, reject) => {
      this.queue.push({ line: JSON.stringify(rec), rec, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        if (this.broken !== undefined) throw this.broken;
        await this.sink.append(batch.map((b) => b.line));
        const last = batch[batch.length - 1].rec;
        await this.sink.writeHead(JSON.stringify(signHead(last.seq, last.hash, last.time, this.key.privateKey)));
        await this.checkpoint(last, batch.length);
        for (const b of batch) b.resolve(b.rec);
      } catch (err) {
        this.broken = err;
        for (const b of batch) b.reject(err);
      }
    }
    this.flushing = undefined;
  }

  /** Writes a periodic signed checkpoint for `last` when one is due (after the batch is durable). */
  private async checkpoint(last: AuditRecord, appended: number): Promise<void> {
    this.sinceCheckpoint += appended;
    // Timed by record times (the log's clock as it stamped them), so checkpoints never read the clock again.
    const at = Date.parse(last.time);
    this.lastCheckpointAt ??= at;
    const due = this.sinceCheckpoint >= this.policy.records || at - this.lastCheckpointAt >= this.policy.ms;
    if (!due || !this.sink.appendCheckpoint) return;
    const line = signCheckpoint({ seq: last.seq, hash: last.hash, time: last.time }, this.key.privateKey);
    await this.sink.appendCheckpoint(JSON.stringify(line));
    this.sinceCheckpoint = 0;
    this.lastCheckpointAt = at;
  }

  /** Waits for pending appends, then closes the sink. */
  async close(): Promise<void> {
    await this.flushing;
    await this.sink.close();
  }
}

/** The `actor` of an audit entry for an authenticated principal (or the claimed subject of a rejected one). */
export function auditActor(
  p: Principal | undefined,
  extra: { ip?: string; claimedSubject?: string } = {},
): AuditEntry['actor'] {
  if (!p)
    return {
      subject: extra.claimedSubject ? `unauthenticated:${extra.claimedSubject}` : 'anonymous',
      ...(extra.ip ? { ip: extra.ip } : {}),
    };
  return { ...describePrincipal(p), ...(extra.ip ? { ip: extra.ip } : {}) };
}

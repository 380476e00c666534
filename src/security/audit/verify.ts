// Verifies a whole audit chain, naming the first bad record, and exports records as JSON lines.
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { securityPaths } from '../keyfile.js';
import { loadOrCreateAuditKey, readAuditPublicKey } from './keys.js';
import { GENESIS, hashRecord, verifyHash, verifyHeadSig, type AuditHead, type AuditRecord } from './record.js';
import { readLines, type AuditSink } from './sink.js';
import {
  isCheckpointLine,
  readCheckpoints,
  signCheckpoint,
  verifyCheckpoint,
  type AuditCheckpoint,
} from './checkpoint.js';

export type VerifyResult =
  | { ok: true; records: number; warnings: string[] }
  | {
      ok: false;
      records: number;
      /** 0-based position of the first bad record (= its expected seq). */ index: number;
      reason: string;
    };

export interface VerifySource {
  lines(): AsyncIterable<string>;
  readHead(): Promise<string | undefined>;
}

/** A VerifySource over files, without opening them for writing. */
export function fileSource(path: string, headPath?: string): VerifySource {
  return {
    lines: () => (existsSync(path) ? readLines(path) : (async function* () {})()),
    readHead: async () => (headPath && existsSync(headPath) ? readFileSync(headPath, 'utf8') : undefined),
  };
}

/**
 * With `range`, the source may be an export starting at any record (seq > 0). Checks every record in order: valid JSON, `seq` equal to its position (catches deletion,
 * insertion and reordering), `prev` equal to the previous record's hash, `hash` matching the
 * content (catches edits) and a valid signature (catches forged records). Then checks the signed
 * head: a head beyond the last record means records were cut off the end. A missing head is only
 * a warning. Returns the first failure.
 */
export async function verifyAuditLog(
  source: VerifySource | AuditSink | string,
  publicKey: KeyObject,
  headPath?: string,
  opts: { range?: boolean } = {},
): Promise<VerifyResult> {
  const src = typeof source === 'string' ? fileSource(source, headPath) : source;
  let index = 0;
  let start = 0;
  let prev = GENESIS;
  const fail = (reason: string): VerifyResult => ({ ok: false, records: index - start, index, reason });
  const headText = await src.readHead();
  let head: AuditHead | undefined;
  if (headText) {
    try {
      head = JSON.parse(headText) as AuditHead;
    } catch {
      return fail('head file is not valid JSON');
    }
    if (!verifyHeadSig(head, publicKey)) return fail('head file signature invalid');
  }
  let checkpoint: AuditCheckpoint | undefined;
  for await (const line of src.lines()) {
    let rec: AuditRecord;
    try {
      rec = JSON.parse(line) as AuditRecord;
    } catch {
      return fail(`record ${index}: not valid JSON`);
    }
    if (isCheckpointLine(rec)) {
      // A signed checkpoint vouches for the record just before it: its seq and chain hash must match.
      if (!verifyCheckpoint(rec, publicKey)) return fail(`checkpoint after record ${index - 1}: signature invalid`);
      const c = rec.checkpoint;
      if (index === start || c.seq !== index - 1 || c.hash !== prev)
        return fail(
          `checkpoint naming record ${c.seq} follows record ${index - 1}: records were removed, added or moved`,
        );
      checkpoint = c;
      continue;
    }
    if (
      rec === null ||
      typeof rec !== 'object' ||
      typeof rec.hash !== 'string' ||
      typeof rec.sig !== 'string' ||
      typeof rec.prev !== 'string'
    ) {
      return fail(`record ${index}: missing seq/prev/hash/sig`);
    }
    // An exported range starts anywhere: its first record is taken at its word for seq and prev (both
    // are covered by its hash and signature); every later record must follow it without a gap.
    if (opts.range && index === start && index === 0 && Number.isSafeInteger(rec.seq) && rec.seq > 0) {
      index = start = rec.seq;
      prev = rec.prev;
    }
    if (rec.seq !== index)
      return fail(`record ${index}: has seq ${String(rec.seq)} (a record was deleted, inserted or moved here)`);
    if (rec.prev !== prev) return fail(`record ${index}: does not chain to the previous record (prev hash mismatch)`);
    if (hashRecord(rec) !== rec.hash) return fail(`record ${index}: content was altered (hash mismatch)`);
    if (!verifyHash(rec.hash, rec.sig, publicKey))
      return fail(`record ${index}: signature invalid (forged or signed with another key)`);
    if (head && head.seq === index && head.hash !== rec.hash)
      return fail(`record ${index}: differs from the record the head names`);
    prev = rec.hash;
    index += 1;
  }
  const warnings: string[] = [];
  if (opts.range) {
    // An export ends with its final signed checkpoint: records cut off its end take that checkpoint with them.
    const last = index - 1;
    if (index === start) return fail('the range holds no records');
    if (!checkpoint)
      return fail(
        `no signed checkpoint: the end of records ${start}..${last} cannot be vouched for ` +
          '(records may have been cut off; export with `continuum audit export`)',
      );
    if (checkpoint.seq < last)
      return fail(
        `records ${checkpoint.seq + 1}..${last} follow the last signed checkpoint (record ${checkpoint.seq}) and the ` +
          'final checkpoint is missing: the end of the export was cut off or altered',
      );
    if (!checkpoint.final)
      return fail(
        `the range ends at a periodic checkpoint (record ${last}) without its final checkpoint: ` +
          'records after it were cut off',
      );
    return { ok: true, records: index - start, warnings };
  }
  if (!head) {
    if (index > start) warnings.push('no head file: removal of the newest records cannot be detected');
    return { ok: true, records: index - start, warnings };
  }
  if (head.seq >= index) return fail(`record ${index}: missing (head names record ${head.seq}; the log ends early)`);
  if (head.seq < index - 1)
    warnings.push(`head names record ${head.seq} of ${index - 1}: it lags (normal after a crash)`);
  return { ok: true, records: index, warnings };
}

/** Checkpoints in an export: the periodic ones stored beside the log, and a final one signed at export time. */
export interface ExportCheckpoints {
  /** The chain's checkpoint file (periodic checkpoints are copied after the record they cover). */
  file?: string;
  /** The audit private key: the export ends with a final checkpoint for its last record. */
  key?: KeyObject;
  now?: () => Date;
}

/**
 * Writes records as JSON lines (one record per line, as stored) to `write`, optionally only those
 * with `since <= time < until`, each followed by the periodic checkpoints covering it, and with `key` a final
 * signed checkpoint for the last record written. Returns how many records were written. Records hold no secret
 * values.
 */
export async function exportAuditLog(
  source: VerifySource | AuditSink | string,
  write: (line: string) => void | Promise<void>,
  filter: { since?: Date; until?: Date } = {},
  checkpoints: ExportCheckpoints = {},
): Promise<number> {
  const src = typeof source === 'string' ? fileSource(source) : source;
  const periodic = await readCheckpoints(checkpoints.file);
  let n = 0;
  let last: AuditRecord | undefined;
  for await (const line of src.lines()) {
    if (line === '') continue;
    const rec = JSON.parse(line) as AuditRecord;
    if (filter.since || filter.until) {
      const t = Date.parse(rec.time);
      if ((filter.since && t < filter.since.getTime()) || (filter.until && t >= filter.until.getTime())) continue;
    }
    // A time window is contiguous in the chain as long as clocks do not step back; a gap shows in verify.
    await write(`${line}\n`);
    for (const c of periodic.get(rec.seq) ?? []) await write(`${c}\n`);
    last = rec;
    n += 1;
  }
  if (last && checkpoints.key) {
    const time = (checkpoints.now?.() ?? new Date()).toISOString();
    const fin = signCheckpoint({ seq: last.seq, hash: last.hash, time, final: true }, checkpoints.key);
    await write(`${JSON.stringify(fin)}\n`);
  }
  return n;
}

/** `continuum audit verify` offline: checks the chain in `dataDir` with the key kept there. */
export function verifyAuditInDataDir(dataDir: string): Promise<VerifyResult> {
  const p = securityPaths(dataDir);
  return verifyAuditLog(p.auditLog, readAuditPublicKey(p.auditKey), p.auditHead);
}

/** `continuum audit export` offline: writes the records of `dataDir` as JSON lines. */
export function exportAuditFromDataDir(
  dataDir: string,
  write: (line: string) => void | Promise<void>,
  filter?: { since?: Date; until?: Date },
): Promise<number> {
  const p = securityPaths(dataDir);
  const key = existsSync(p.auditKey) ? loadOrCreateAuditKey(p.auditKey).privateKey : undefined;
  return exportAuditLog(p.auditLog, write, filter, { file: p.auditLog.replace(/\.jsonl$/, '.checkpoints.jsonl'), key });
}

// `continuum audit`: verify the hash-chained, signed audit log (naming the first bad record) and export it as JSON lines.
import { closeSync, existsSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  auditChains,
  exportAuditLog,
  loadOrCreateAuditKey,
  parseTtl,
  readAuditPublicKey,
  securityPaths,
  verifyAuditChains,
  verifyAuditLog,
} from '../../security/index.js';
import { decodeUtf8, problemToError, readAll } from '../../client/index.js';
import { CONNECTION, UsageError, clientFrom, type Command, type Io } from '../command.js';

const USAGE =
  'continuum audit verify [--data-dir DIR]   (without --data-dir: the server verifies its own chain; with it: every chain in DIR)\n' +
  '       continuum audit verify --file EXPORT.jsonl --public-key KEY.pem   (any exported range, offline; key from GET /auth/v1/audit/keys)\n' +
  '       continuum audit export [--since T] [--until T] [-o FILE] [--data-dir DIR [--chain NAME]]   (T: ISO time or an age such as 24h)';

interface Verification {
  ok: boolean;
  records: number;
  index?: number;
  reason?: string;
  warnings?: string[];
}

/** "2026-03-01T12:00:00Z" or an age ("90m", "24h", "7d") meaning that long ago. */
export function timeArg(flag: string, text: string | undefined, now = Date.now()): Date | undefined {
  if (text === undefined) return undefined;
  if (/^[0-9]+[smhdw]$/.test(text.trim())) return new Date(now - parseTtl(text) * 1000);
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${flag} must be an ISO time or an age such as 24h`);
  return d;
}

/** Prints one chain's result ("chain NAME: " prefixed when the data dir holds several); 0 when intact. */
function report(r: Verification, io: Io, chain?: string): number {
  const p = chain ? `chain ${chain}: ` : '';
  for (const w of r.warnings ?? []) io.err(`warning: ${p}${w}\n`);
  if (r.ok) {
    io.out(`${p}audit log OK: ${r.records} record(s), hash chain and signatures verified\n`);
    return 0;
  }
  io.out(`${p}audit log FAILED at record ${r.index}: ${r.reason}\n`);
  return 1;
}

/** Every chain of a data dir (one per replica that wrote there). */
async function verifyDataDir(dataDir: string, io: Io): Promise<number> {
  const results = await verifyAuditChains(dataDir);
  if (!results.length) throw new Error(`no audit log in ${dataDir}/audit`);
  let code = 0;
  for (const { chain, result } of results)
    code = Math.max(code, report(result, io, results.length > 1 ? chain : undefined));
  return code;
}

/** Writes lines to FILE (created 0600, fsynced) or stdout. */
function sink(file: string | undefined, io: Io): { write(line: string): void; close(): void } {
  if (!file || file === '-') return { write: (l) => io.out(l), close: () => undefined };
  const fd = openSync(resolve(file), 'w', 0o600);
  return {
    write: (l) => void writeSync(fd, l),
    close: () => {
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the signed audit chain (naming the first bad record) or export it as JSON lines',
  usage: USAGE,
  options: {
    ...CONNECTION,
    'data-dir': {
      type: 'string',
      description: 'Verify/export the chains in this data dir instead of asking the server',
      placeholder: 'DIR',
    },
    chain: { type: 'string', description: 'Which chain of the data dir (one per replica)', placeholder: 'NAME' },
    file: { type: 'string', description: 'Verify this export (JSON lines) offline, any range', placeholder: 'FILE' },
    'public-key': {
      type: 'string',
      description: 'Audit public key (PEM, from GET /auth/v1/audit/keys) to verify --file with',
      placeholder: 'KEY',
    },
    since: { type: 'string', description: 'Records from this ISO time or age (e.g. 24h)', placeholder: 'T' },
    until: { type: 'string', description: 'Records up to this ISO time or age', placeholder: 'T' },
    output: {
      type: 'string',
      short: 'o',
      description: 'Write the export to this file',
      placeholder: 'FILE',
      defaultText: 'stdout',
    },
  },
  async run(v, positionals, io) {
    const [sub, ...rest] = positionals;
    if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}\nusage: ${USAGE}`);
    const dataDir = v['data-dir'] ? resolve(v['data-dir']) : undefined;
    if (sub === 'verify') {
      if (v.file || v['public-key']) {
        if (!v.file || !v['public-key']) throw new UsageError('--file and --public-key go together');
        const key = readAuditPublicKey(resolve(v['public-key']));
        return report(await verifyAuditLog(resolve(v.file), key, undefined, { range: true }), io);
      }
      if (dataDir) return verifyDataDir(dataDir, io);
      const { client } = clientFrom(v);
      return report((await client.http.json<Verification>('GET', '/audit/v1/verify')).body, io);
    }
    if (sub !== 'export') throw new UsageError(`audit needs a subcommand: verify or export\nusage: ${USAGE}`);
    const since = timeArg('since', v.since);
    const until = timeArg('until', v.until);
    const out = sink(v.output, io);
    let n = 0;
    try {
      if (dataDir) {
        const chain = auditChains(dataDir).find((c) => c.name === (v.chain ?? 'audit'));
        if (!chain) throw new Error(`no audit chain ${v.chain ?? 'audit'} in ${dataDir}/audit`);
        const keyFile = securityPaths(dataDir).auditKey;
        n = await exportAuditLog(
          chain.log,
          (l) => out.write(l),
          { since, until },
          {
            file: chain.checkpoints,
            ...(existsSync(keyFile) ? { key: loadOrCreateAuditKey(keyFile).privateKey } : {}),
          },
        );
      } else {
        const { client } = clientFrom(v);
        const q = new URLSearchParams({
          ...(since ? { since: since.toISOString() } : {}),
          ...(until ? { until: until.toISOString() } : {}),
        }).toString();
        const res = await client.http.raw('GET', `/audit/v1/export${q ? `?${q}` : ''}`, undefined, {
          accept: 'application/x-ndjson',
        });
        if (res.status >= 400) throw problemToError(res.status, await readAll(res.body));
        let rest = '';
        for await (const chunk of decodeUtf8(res.body)) {
          const text = rest + chunk;
          const cut = text.lastIndexOf('\n') + 1;
          for (const line of text.slice(0, cut).split('\n').filter(Boolean)) {
            out.write(`${line}\n`);
            if (!line.startsWith('{"checkpoint"')) n++;
          }
          rest = text.slice(cut);
        }
        if (rest) throw new Error('audit export ended in the middle of a record');
      }
    } finally {
      out.close();
    }
    if (v.output && v.output !== '-') io.err(`${n} record(s) written to ${v.output}\n`);
    return 0;
  },
};

// The shape of a CLI command and the helpers every command shares (options, client, output streams).
import { parseArgs } from 'node:util';
import { ContinuumClient } from '../client/index.js';
import { ApiError, kindByAlias, type KindDef } from '../model/index.js';
import { resolveConfig } from './config.js';
import { readFileSync } from 'node:fs';
import { parseTtl } from '../security/index.js';

/**
 * One flag of a command: parsing (type, short, multiple) and help (description, placeholder, defaultText) come
 * from this one table. A flag without a description takes the shared one from `FLAG_HELP` (src/cli/help.ts).
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description?: string;
  /** Shown after the flag in help, e.g. FILE (default: VALUE for strings). */
  placeholder?: string;
  /** The default as help shows it (the command applies it; parseArgs does not). */
  defaultText?: string;
}

export type Options = Record<string, OptionSpec>;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  aliases?: string[];
  summary: string;
  usage: string;
  options: Options;
  /**
   * After Ctrl-C / SIGTERM, how long the command may take to finish before the process exits anyway (default 2 s;
   * commands that run a server set their graceful-shutdown deadline here).
   */
  stopGraceMs?: number;
  run(values: Record<string, any>, positionals: string[], io: Io): Promise<number | void>;
}

/** Options every command talking to a server accepts. */
export const CONNECTION: Options = {
  server: { type: 'string', short: 's' },
  token: { type: 'string' },
  config: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  /** PEM CA bundle that verifies an HTTPS server (or CONTINUUM_CA, or `ca` in the config file). */
  ca: { type: 'string' },
  /** kubectl-like: how long one request may take ("30s", "2m", "500ms", "0" = no limit); default 30s. */
  'request-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export class UsageError extends Error {}

/** Default for --request-timeout. Watches and `logs -f` are exempt from it, but not from the connect timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** How long connecting to the server may take, streams included (capped by --request-timeout when lower). */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Parses a kubectl-style duration ("1h2m3s", "500ms", "30s"; a bare number means seconds) into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== t)
    throw new UsageError(
      `--${flag} must be a duration such as 30s, 2m, 500ms or 0 (no limit), not ${JSON.stringify(text)}`,
    );
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * unit[p[2]], 0));
}

let commandSignal: AbortSignal | undefined;
/** The signal of the running command (aborted on Ctrl-C / SIGTERM); clients made by `clientFrom` obey it. */
export function setCommandSignal(signal: AbortSignal | undefined): void {
  commandSignal = signal;
}

export function parse(cmd: Command, argv: string[]): { values: Record<string, any>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(cmd.options).map(([k, o]) => [
      k,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  );
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, any>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${parseErrorMessage(cmd, e as Error & { code?: string })}\nusage: ${cmd.usage}`);
  }
}

/** parseArgs' messages, rewritten for people: the unknown flag, the nearest known one, where to look. */
function parseErrorMessage(cmd: Command, e: Error & { code?: string }): string {
  const unknown = /Unknown option '([^']+)'/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const flags = Object.entries(cmd.options).flatMap(([k, o]) => [`--${k}`, ...(o.short ? [`-${o.short}`] : [])]);
    const near = suggest(unknown, flags);
    return (
      `unknown flag ${unknown} for "continuum ${cmd.name}"${near ? `; did you mean ${near}?` : ''}\n` +
      `Run 'continuum ${cmd.name} --help' for its flags.`
    );
  }
  const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(e.message)?.[1];
  if (missing) return `flag ${missing} needs a value`;
  return e.message;
}

/** The candidate nearest to `word` by edit distance, when it is near enough to be a likely typo. */
export function suggest(word: string, candidates: string[]): string | undefined {
  const prefixed = candidates.filter((c) => word.length > 3 && c.toLowerCase().startsWith(word.toLowerCase()));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c.length > best.length)) [best, bestD] = [c, d];
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(2, Math.floor(best.length / 3)) || word.startsWith(best) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

export function clientFrom(values: Record<string, any>): { client: ContinuumClient; namespace: string } {
  const cfg = resolveConfig({
    server: values.server,
    token: values.token,
    config: values.config,
    namespace: values.namespace,
    ca: values.ca,
  });
  let ca: Buffer | undefined;
  try {
    ca = cfg.ca ? readFileSync(cfg.ca) : undefined;
  } catch (e) {
    throw new Error(`cannot read CA file ${cfg.ca}: ${(e as Error).message}`);
  }
  const requestTimeoutMs =
    values['request-timeout'] === undefined
      ? DEFAULT_REQUEST_TIMEOUT_MS
      : parseDuration(String(values['request-timeout']), 'request-timeout');
  const client = new ContinuumClient({
    server: cfg.server,
    token: cfg.token,
    ca,
    timeoutMs: 0,
    requestTimeoutMs,
    connectTimeoutMs: requestTimeoutMs ? Math.min(requestTimeoutMs, CONNECT_TIMEOUT_MS) : CONNECT_TIMEOUT_MS,
    signal: commandSignal,
  });
  return { client, namespace: cfg.namespace ?? 'default' };
}

export function kindArg(alias: string | undefined, usage: string): KindDef {
  if (!alias) throw new UsageError(`a kind is required\nusage: ${usage}`);
  const k = kindByAlias(alias);
  if (!k)
    throw new ApiError(
      'NotFound',
      `unknown kind ${JSON.stringify(alias)}; try: sites, providers, applications, deployments, workloads, namespaces, userareas, events, revisions`,
    );
  return k;
}

/** "kind/name" or "kind name" → [kind, name]. */
export function splitKindName(positionals: string[]): [string | undefined, string | undefined] {
  const [a, b] = positionals;
  if (a && a.includes('/') && b === undefined) {
    const [k, n] = a.split('/', 2);
    return [k, n];
  }
  return [a, b];
}

/** Options shared by the commands that run a control plane (`up`, `server`). */
export const SERVE_OPTIONS: Options = {
  'data-dir': { type: 'string' },
  port: { type: 'string', short: 'p', defaultText: '8080' },
  host: { type: 'string' },
  'oidc-config': { type: 'string' },
  'admin-token-ttl': {
    type: 'string',
    description: 'Lifetime of a new admin token, e.g. 30d (0: no expiry; default 90d)',
  },
  /** Serve GET /metrics WITHOUT authentication on this host:port as well (private scrape network). */
  'metrics-address': { type: 'string', description: 'Also serve /metrics without auth on HOST:PORT' },
  'carbon-data': {
    type: 'string',
    description: 'Carbon-intensity series (Carbon Aware SDK JSON) from a file or http(s) URL, for placement',
    placeholder: 'FILE|URL',
  },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
};

/** A numeric flag within [min, max], or undefined when absent; anything else is a usage error. */
export function numberFlag(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
  opts: { integer?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (opts.integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} must be ${opts.integer ? 'an integer' : 'a number'} between ${min} and ${max}`);
  }
  return n;
}

/** Resolves when the command is asked to stop (Ctrl-C / SIGTERM). */
export const untilStopped = (io: Io): Promise<void> =>
  new Promise<void>((r) => (io.signal.aborted ? r() : io.signal.addEventListener('abort', () => r(), { once: true })));

/** `--admin-token-ttl`: a duration such as 30d, or 0 for an admin token that does not expire. */
export function adminTtl(text: string): number {
  if (text.trim() === '0') return 0;
  try {
    return parseTtl(text);
  } catch (e) {
    throw new UsageError(`--admin-token-ttl: ${(e as Error).message}`);
  }
}

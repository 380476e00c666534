// The shape of a CLI command and the helpers every command shares (options, client, output streams).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ContinuumClient } from '../client/index.js';
import { ApiError, kindByAlias, type KindDef } from '../model/index.js';
import { resolveConfig } from './config.js';
import { readFileSync } from 'node:fs';

export type Options = NonNullable<ParseArgsConfig['options']>;

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
  help: { type: 'boolean', short: 'h' },
};

export class UsageError extends Error {}

export function parse(cmd: Command, argv: string[]): { values: Record<string, any>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: cmd.options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, any>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${cmd.usage}`);
  }
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
  const client = new ContinuumClient({ server: cfg.server, token: cfg.token, ca, timeoutMs: 0 });
  return { client, namespace: cfg.namespace ?? 'default' };
}

export function kindArg(alias: string | undefined, usage: string): KindDef {
  if (!alias) throw new UsageError(`a kind is required\nusage: ${usage}`);
  const k = kindByAlias(alias);
  if (!k)
    throw new ApiError(
      'NotFound',
      `unknown kind ${JSON.stringify(alias)}; try: sites, providers, applications, deployments, workloads, namespaces, userareas, events`,
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
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'oidc-config': { type: 'string' },
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

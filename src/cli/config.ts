// Where the CLI finds its server and token: flags, environment, then config files written by `up`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface CliConfig {
  server: string;
  token?: string;
  namespace?: string;
  /** Path to a PEM CA bundle for TLS servers. */
  ca?: string;
}

export const userConfigPath = (): string =>
  process.env.CONTINUUM_CONFIG ?? join(homedir(), '.continuum', 'config.json');

function readConfig(path: string): Partial<CliConfig> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<CliConfig>;
  } catch (e) {
    throw new Error(`cannot read config ${path}: ${(e as Error).message}`);
  }
}

/**
 * Resolution order: flags > CONTINUUM_SERVER/CONTINUUM_TOKEN/CONTINUUM_CA > --config >
 * ./.continuum/config.json > ~/.continuum/config.json. A relative `ca` in a config file is
 * relative to that file.
 */
export function resolveConfig(flags: {
  server?: string;
  token?: string;
  config?: string;
  namespace?: string;
  ca?: string;
}): CliConfig {
  const files = [flags.config, resolve('.continuum/config.json'), userConfigPath()].filter((p): p is string => !!p);
  let file: Partial<CliConfig> = {};
  for (const f of files) {
    const c = readConfig(f);
    if (c) {
      file = { ...c, ...(c.ca ? { ca: resolve(dirname(f), c.ca) } : {}) };
      break;
    }
    if (f === flags.config) throw new Error(`config file ${f} not found`);
  }
  const server = flags.server ?? process.env.CONTINUUM_SERVER ?? file.server;
  if (!server)
    throw new Error('no server configured: run `continuum up`, or pass --server URL (or set CONTINUUM_SERVER)');
  return {
    server,
    token: flags.token ?? process.env.CONTINUUM_TOKEN ?? file.token,
    namespace: flags.namespace ?? file.namespace,
    ca: flags.ca ?? process.env.CONTINUUM_CA ?? file.ca,
  };
}

export function writeConfig(path: string, cfg: CliConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
}

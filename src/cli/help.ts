// Help text generated from the commands' option tables: `continuum help`, `continuum help CMD`, `CMD --help`.
import type { Command, OptionSpec } from './command.js';

/** Descriptions of flags several commands share; a command's own `description` wins. */
export const FLAG_HELP: Record<string, Omit<OptionSpec, 'type'>> = {
  server: { description: 'API server URL (or CONTINUUM_SERVER, or the config file)', placeholder: 'URL' },
  token: { description: 'Bearer token (or CONTINUUM_TOKEN, or the config file)', placeholder: 'TOKEN' },
  config: {
    description: 'Config file (default: ./.continuum/config.json, then ~/.continuum/config.json)',
    placeholder: 'FILE',
  },
  namespace: { description: 'Namespace to work in', placeholder: 'NS', defaultText: 'default' },
  ca: { description: 'PEM CA bundle that verifies an HTTPS server (or CONTINUUM_CA)', placeholder: 'FILE' },
  help: { description: 'Show this help' },
  output: { description: 'Output format', placeholder: 'FORMAT' },
  filename: { description: 'File, directory (*.yaml, *.yml, *.json) or - for stdin; repeatable', placeholder: 'FILE' },
  selector: { description: 'Label selector, e.g. app=web,tier!=db or env in (prod,staging)', placeholder: 'SELECTOR' },
  'data-dir': {
    description: 'Data directory (SQLite store, keys, tokens)',
    placeholder: 'DIR',
    defaultText: '.continuum',
  },
  port: { description: 'Port the API listens on (0 picks a free one)', placeholder: 'PORT' },
  host: { description: 'Address the API listens on', placeholder: 'HOST', defaultText: '127.0.0.1' },
  'oidc-config': { description: 'OIDC issuers accepted for user tokens (JSON file)', placeholder: 'FILE' },
  verbose: { description: 'Log more (debug level)' },
  'request-timeout': {
    description: 'Give up on a request after this long, e.g. 30s (0: never)',
    placeholder: 'DURATION',
  },
};

/** A flag's help entry: its own fields over the shared ones. */
export const flagHelp = (name: string, o: OptionSpec): OptionSpec => ({ ...FLAG_HELP[name], ...o });

function flagLine(name: string, spec: OptionSpec): [string, string] {
  const o = flagHelp(name, spec);
  const value = o.type === 'string' ? ` ${o.placeholder ?? 'VALUE'}` : '';
  const left = `${o.short ? `-${o.short}, ` : '    '}--${name}${value}`;
  const extra = [o.multiple ? 'repeatable' : '', o.defaultText !== undefined ? `default: ${o.defaultText}` : '']
    .filter((x) => x && !(o.description ?? '').includes(x))
    .join('; ');
  return [left, `${o.description ?? ''}${extra ? ` (${extra})` : ''}`];
}

/** `continuum CMD --help`: summary, usage and every flag with its description and default. */
export function commandHelp(cmd: Command): string {
  const rows = Object.entries(cmd.options)
    .sort(([a], [b]) => (a === 'help' ? 1 : b === 'help' ? -1 : 0))
    .map(([name, o]) => flagLine(name, o));
  const w = Math.min(34, Math.max(...rows.map(([l]) => l.length)));
  const lines = rows.map(([l, r]) => (l.length > w ? `  ${l}\n  ${' '.repeat(w)}  ${r}` : `  ${l.padEnd(w)}  ${r}`));
  const aliases = cmd.aliases?.length ? `\nAliases: ${cmd.aliases.join(', ')}\n` : '';
  return `${cmd.summary}\n\nUsage: ${cmd.usage}\n${aliases}\nFlags:\n${lines.join('\n')}\n`;
}

/** `continuum help`: every command with its summary. */
export function overview(commands: Command[]): string {
  const lines = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return (
    'continuum — a multi-provider cloud-edge continuum control plane\n\nUsage: continuum <command> [options]\n\n' +
    `Commands:\n${lines.join('\n')}\n\nRun 'continuum help <command>' or 'continuum <command> --help' for its flags.\n`
  );
}

// A line logger on stderr for long-running commands.
import type { Logger } from '../lib/index.js';
import type { Io } from './command.js';

export function consoleLogger(io: Io, verbose: boolean): Logger {
  const line = (level: string, msg: string, fields?: Record<string, unknown>): void =>
    io.err(
      `${new Date().toISOString()} ${level} ${msg}${fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}\n`,
    );
  return {
    info: (m, f) => verbose && line('INFO', m, f),
    warn: (m, f) => line('WARN', m, f),
    error: (m, f) => line('ERROR', m, f),
  };
}

// The log of long-running commands (server, agent, up): JSON lines on stderr from the one structured logger.
import { createStructuredLogger, type LogLevel, type StructuredLogger } from '../lib/index.js';
import type { Io } from './command.js';

/**
 * `--verbose` → debug level (request logs included); otherwise `quiet` (info for daemons, warn for `up`, whose
 * terminal shows the human summary). Every line is one JSON object; nothing else of the server goes to stderr.
 */
export function consoleLogger(
  io: Io,
  verbose: boolean,
  quiet: LogLevel = 'info',
  bindings?: Record<string, unknown>,
): StructuredLogger {
  return createStructuredLogger({ level: verbose ? 'debug' : quiet, write: (l) => io.err(l), bindings });
}

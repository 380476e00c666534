// The logging port every component writes to: leveled messages with structured fields.

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Detail shown only at debug level (`--verbose`); optional so simple loggers need not implement it. */
  debug?(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line carries `bindings` (component, site, request id …); optional, like debug. */
  child?(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

// The one structured logger (pino, JSON lines) behind the Logger port, shared by server, controllers and agents.
import { pino, type Logger as Pino } from 'pino';
import type { Logger } from './logger.js';
import { traceFields } from './tracing/index.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A Logger backed by pino; `pino` is the instance itself (fastify takes it as its request logger). */
export interface StructuredLogger extends Logger {
  readonly pino: Pino;
  debug(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): StructuredLogger;
}

/** Wraps a pino instance in the Logger port: `info(msg, fields)` writes one JSON line {level, time, msg, …fields}. */
export function fromPino(p: Pino): StructuredLogger {
  return {
    pino: p,
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
    child: (bindings) => fromPino(p.child(bindings)),
  };
}

export interface StructuredLoggerOptions {
  /** Lowest level written (default info). */
  level?: LogLevel;
  /** Where lines go (default stderr); each call gets one complete JSON line ending in a newline. */
  write?: (line: string) => void;
  /** Fields on every line (e.g. {component: 'server'}). */
  bindings?: Record<string, unknown>;
}

/** A new root logger writing JSON lines synchronously (no worker thread, nothing lost on exit). */
export function createStructuredLogger(o: StructuredLoggerOptions = {}): StructuredLogger {
  const write = o.write ?? ((line: string) => process.stderr.write(line));
  const p = pino(
    {
      level: o.level ?? 'info',
      base: { pid: process.pid, ...o.bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Lines written inside a traced span carry its trace_id and span_id (nothing when tracing is off).
      mixin: traceFields,
    },
    { write },
  );
  return fromPino(p);
}

/** Whether a Logger is pino-backed (so a server can reuse its instance for request logs). */
export const isStructured = (l: Logger | undefined): l is StructuredLogger =>
  !!l && typeof (l as Partial<StructuredLogger>).pino?.info === 'function';

// A client's link to a control plane (an agent's, a federation peer's): online/offline state, a gate for callers, and reconnection with back-off.
import { isConnectionError, isRetryableError } from '../client/index.js';
import { Backoff, sleep, type BackoffConfig, type Logger } from '../lib/index.js';

/** An offline period, as reported when the agent is back. */
export interface OfflineWindow {
  since: Date;
  until: Date;
  /** The agent process started while the control plane was unreachable. */
  startedOffline: boolean;
}

export interface ConnectionOptions {
  /** Establishes the session (credential, registration); throws when the control plane cannot be used. */
  connect: () => Promise<void>;
  backoff?: BackoffConfig;
  clock: () => Date;
  log: Logger;
  /** Called when the agent goes offline (before anything waits for reconnection). */
  onOffline?: (reason: string) => void;
  /** Called when the agent is online again, before waiters are released. */
  onOnline?: (window: OfflineWindow) => void;
}

/**
 * Invariants: `online` is true only after `connect()` succeeded and no connection failure was
 * reported since; exactly one reconnect loop runs while offline; `whenOnline` waiters are released
 * on reconnection and rejected on close.
 */
export class Connection {
  private isOnline = false;
  private closed = false;
  private everOnline = false;
  private offlineSince: Date;
  private connectedAt?: Date;
  private waiters = new Set<{ resolve: () => void; reject: (e: Error) => void }>();
  private loop?: Promise<void>;
  private reconnecting = false;
  private readonly ac = new AbortController();
  private readonly backoff: Backoff;
  /** Message of the latest failed attempt. */
  lastError?: string;
  /** What made the agent go offline most recently. */
  offlineReason?: string;

  constructor(private readonly o: ConnectionOptions) {
    this.offlineSince = o.clock();
    this.backoff = new Backoff({ jitter: 0.3, ...o.backoff });
  }

  get online(): boolean {
    return this.isOnline;
  }

  /** When the current session started (undefined while offline). */
  get connectedSince(): Date | undefined {
    return this.isOnline ? this.connectedAt : undefined;
  }

  /** Start of the current offline period (undefined while online). */
  get disconnectedSince(): Date | undefined {
    return this.isOnline ? undefined : this.offlineSince;
  }

  /** Aborted when the connection is closed (the agent stops). */
  get signal(): AbortSignal {
    return this.ac.signal;
  }

  /**
   * First attempt. Connection failures (and 429) leave the agent offline and reconnecting (edge autonomy:
   * an agent may start while the control plane is away); any other failure (unknown site, bad token) is thrown.
   */
  async start(): Promise<void> {
    try {
      await this.o.connect();
      this.goOnline();
    } catch (e) {
      if (!isRetryableError(e)) throw e;
      this.lastError = this.offlineReason = (e as Error).message;
      this.o.log.warn(`control plane unreachable, running offline: ${this.lastError}`);
      this.o.onOffline?.(this.lastError);
      this.reconnect();
    }
  }

  /** Resolves once online (immediately when already); rejects when closed or `signal` aborts. */
  whenOnline(signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new Error('agent stopped'));
    if (this.isOnline) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (e: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      const onAbort = (): void => {
        this.waiters.delete(w);
        reject(new Error('aborted'));
      };
      if (signal?.aborted) return reject(new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(w);
    });
  }

  /** Reports a failed call. Connection failures switch to offline and start reconnecting; returns whether it was one. */
  fail(e: unknown): boolean {
    if (!isConnectionError(e)) return false;
    if (this.closed || !this.isOnline) return true;
    this.isOnline = false;
    this.offlineSince = this.o.clock();
    this.lastError = this.offlineReason = (e as Error).message;
    this.o.log.warn(`lost the control plane: ${this.lastError}; workloads keep running`);
    this.o.onOffline?.(this.lastError);
    this.reconnect();
    return true;
  }

  private goOnline(): void {
    const until = this.o.clock();
    this.isOnline = true;
    this.reconnecting = false;
    this.connectedAt = until;
    this.backoff.reset();
    const startedOffline = !this.everOnline;
    const wasOffline = this.everOnline || this.lastError !== undefined;
    this.everOnline = true;
    if (wasOffline) this.o.onOnline?.({ since: this.offlineSince, until, startedOffline });
    for (const w of [...this.waiters]) w.resolve();
    this.waiters.clear();
  }

  /** Starts the reconnect loop unless one runs; the loop's flag is cleared in goOnline, so a failure right after reconnecting starts a new loop. */
  private reconnect(): void {
    if (this.reconnecting) return;
    this.reconnecting = true;
    this.loop = this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    while (!this.closed && !this.isOnline) {
      await sleep(this.backoff.next(), this.ac.signal);
      if (this.closed) break;
      try {
        await this.o.connect();
        this.o.log.info('reconnected to the control plane');
        this.goOnline();
        return;
      } catch (e) {
        this.lastError = (e as Error).message;
        if (!isConnectionError(e)) this.o.log.warn(`cannot use the control plane: ${this.lastError}`);
      }
    }
    this.reconnecting = false;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ac.abort();
    for (const w of [...this.waiters]) w.reject(new Error('agent stopped'));
    this.waiters.clear();
    await this.loop;
  }
}

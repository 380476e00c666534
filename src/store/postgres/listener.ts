// Cross-replica change wake-ups: one dedicated LISTEN connection per backend, reconnected with backoff.
import pg from 'pg';
import { backoffDelay, type BackoffConfig } from '../../lib/index.js';

export interface ChangeListenerOptions {
  connectionString: string;
  channel: string;
  applicationName: string;
  /** While not listening, `onWake` fires at this interval so watchers still make progress. */
  pollMs: number;
  /** Called (possibly spuriously) when another session may have committed. */
  onWake: () => void;
}

/** A listener connection silent for this long is probed with a query; a failed probe reconnects. */
const HEARTBEAT_MS = 10_000;
const TIMEOUT_MS = 5_000;
const RECONNECT: BackoffConfig = { baseMs: 100, maxMs: 5_000, jitter: 0.5 };

/**
 * Invariant: after any gap in listening (start, reconnect) `onWake` fires once LISTEN is active again,
 * so a notification lost during the gap only delays a watcher, never loses an event (events are
 * always re-read from the table; notifications carry no data that matters).
 */
export class ChangeListener {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private tick: NodeJS.Timeout | undefined;
  private attempts = 0;
  private lastHeard = 0;
  private probing = false;
  private started = false;
  private stopped = false;

  constructor(private readonly opts: ChangeListenerOptions) {}

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.tick = setInterval(() => this.onTick(), this.opts.pollMs);
    this.tick.unref();
    this.connect();
  }

  private connect(): void {
    if (this.stopped || this.connecting || this.client) return;
    this.connecting = this.open()
      .catch(() => this.scheduleRetry())
      .finally(() => (this.connecting = undefined));
  }

  private async open(): Promise<void> {
    const c = new pg.Client({
      connectionString: this.opts.connectionString,
      application_name: this.opts.applicationName,
      keepAlive: true,
      connectionTimeoutMillis: TIMEOUT_MS,
      query_timeout: TIMEOUT_MS,
    });
    // A client that errors after connecting is replaced; errors while connecting reject open().
    c.on('error', () => this.lost(c));
    c.on('end', () => this.lost(c));
    c.on('notification', () => {
      this.lastHeard = Date.now();
      this.opts.onWake();
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${this.opts.channel}"`);
    } catch (e) {
      await c.end().catch(() => undefined);
      throw e;
    }
    if (this.stopped) {
      await c.end().catch(() => undefined);
      return;
    }
    this.client = c;
    this.attempts = 0;
    this.lastHeard = Date.now();
    this.opts.onWake();
  }

  private lost(c: pg.Client): void {
    if (c !== this.client) return;
    this.client = undefined;
    c.end().catch(() => undefined);
    this.opts.onWake();
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry) return;
    const delay = backoffDelay(this.attempts, RECONNECT);
    this.attempts = Math.min(this.attempts + 1, 16);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect();
    }, delay);
    this.retry.unref();
  }

  private onTick(): void {
    if (this.stopped) return;
    const c = this.client;
    if (!c) {
      this.opts.onWake();
      return;
    }
    if (this.probing || Date.now() - this.lastHeard < HEARTBEAT_MS) return;
    this.probing = true;
    c.query('SELECT 1')
      .then(
        () => (this.lastHeard = Date.now()),
        () => this.lost(c),
      )
      .finally(() => (this.probing = false));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.tick);
    clearTimeout(this.retry);
    await this.connecting;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}

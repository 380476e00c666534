// Agent side of the tunnel: keeps the outbound SSE stream to the hub open and serves its requests from the driver.
import { parseSse, problemToError, readAll, type ContinuumClient } from '../../client/index.js';
import type { Logger } from '../../lib/index.js';
import { isApiError } from '../../model/index.js';
import { Backoff, sleep, type BackoffConfig } from '../../lib/index.js';
import type { Connection } from '../../runtime/index.js';
import type { RuntimeDriver } from '../drivers/driver.js';
import { tunnelAnswerPath, tunnelStreamPath, type LogsRequest, type TunnelMessage } from '../../client/index.js';
import { postError, uploadLines } from './upload.js';

export interface TunnelClientOptions {
  site: string;
  driver: RuntimeDriver;
  conn: Connection;
  /** Client without a request timeout (the stream is long-lived); its options also serve the uploads. */
  stream: () => ContinuumClient;
  log: Logger;
  backoff?: BackoffConfig;
  /** A tunnel silent for this long (the hub pings every 15 s) is reopened (default 45 s). */
  idleMs?: number;
}

/**
 * Invariants: at most one tunnel stream is open; it is only opened while the agent is online and is
 * reopened with back-off after any break; every request runs with its own AbortController, aborted by
 * a `cancel` message, by the hub closing the answer, or by `close()`.
 */
export class TunnelClient {
  private readonly tasks = new Map<string, AbortController>();
  private readonly ac = new AbortController();
  private readonly loop: Promise<void>;
  private open = false;

  constructor(private readonly o: TunnelClientOptions) {
    this.loop = this.run();
  }

  /** Requests being served right now. */
  get activeRequests(): number {
    return this.tasks.size;
  }

  /** Whether the tunnel stream is currently open. */
  get connected(): boolean {
    return this.open;
  }

  private async run(): Promise<void> {
    const backoff = new Backoff({ jitter: 0.3, ...this.o.backoff });
    let warnedMissing = false;
    while (!this.ac.signal.aborted) {
      try {
        await this.o.conn.whenOnline(this.ac.signal);
      } catch {
        break;
      }
      try {
        await this.session(() => backoff.reset());
      } catch (e) {
        if (this.ac.signal.aborted) break;
        if (!this.o.conn.fail(e)) {
          if (isApiError(e, 'NotFound')) {
            if (!warnedMissing)
              this.o.log.warn('the control plane has no agent tunnel: workload logs are not available through it');
            warnedMissing = true;
          } else this.o.log.warn(`agent tunnel: ${(e as Error).message}`);
        }
      } finally {
        this.open = false;
      }
      await sleep(backoff.next(), this.ac.signal);
    }
  }

  private async session(opened: () => void): Promise<void> {
    const ac = new AbortController();
    const stop = (): void => ac.abort();
    this.ac.signal.addEventListener('abort', stop, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const idleMs = this.o.idleMs ?? 45_000;
    const pulse = (): void => {
      clearTimeout(timer);
      timer = setTimeout(stop, idleMs);
    };
    try {
      pulse();
      const res = await this.o
        .stream()
        .http.raw('GET', tunnelStreamPath(this.o.site), undefined, { accept: 'text/event-stream' }, ac.signal);
      try {
        if (res.status >= 400) throw problemToError(res.status, await readAll(res.body));
        this.open = true;
        opened();
        const body = (async function* () {
          for await (const c of res.body) {
            pulse();
            yield c as Buffer;
          }
        })();
        for await (const ev of parseSse(body)) this.handle(JSON.parse(ev.data) as TunnelMessage);
      } finally {
        res.body.destroy();
      }
    } catch (e) {
      if (this.ac.signal.aborted) return;
      if (ac.signal.aborted) return; // idle: reopen
      throw e;
    } finally {
      clearTimeout(timer);
      this.ac.signal.removeEventListener('abort', stop);
    }
  }

  private handle(msg: TunnelMessage): void {
    if (msg.kind === 'cancel') {
      this.tasks.get(msg.id)?.abort();
      return;
    }
    if (msg.kind === 'logs') {
      const ac = new AbortController();
      this.tasks.set(msg.id, ac);
      void this.serveLogs(msg, ac).finally(() => this.tasks.delete(msg.id));
    }
  }

  private async serveLogs(msg: LogsRequest, ac: AbortController): Promise<void> {
    const id = `${msg.namespace}/${msg.name}`;
    const opts = this.o.stream().http.opts;
    const path = tunnelAnswerPath(msg.id);
    try {
      if (!this.o.driver.get(id)) {
        await postError(
          opts,
          path,
          { error: { code: 'NotFound', message: `workload ${id} is not running at site ${this.o.site}` } },
          ac.signal,
        );
        return;
      }
      const lines = this.o.driver.logs(id, {
        follow: msg.follow,
        signal: ac.signal,
        ...(msg.tailLines !== undefined ? { tail: msg.tailLines } : {}),
        ...(msg.previous ? { previous: true } : {}),
        ...(typeof msg.sinceTime === 'number' ? { sinceMs: msg.sinceTime } : {}),
      });
      await uploadLines(opts, path, lines, ac);
    } catch (e) {
      if (!ac.signal.aborted) this.o.log.warn(`serving logs of ${id}: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.ac.abort();
    for (const t of this.tasks.values()) t.abort();
    await this.loop;
  }
}

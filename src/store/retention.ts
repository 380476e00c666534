// Bounds the event history (what watches resume from) by revisions and by bytes, promptly under a flood of writes.
import type { Backend } from './backend.js';

export interface RetentionOptions {
  /** Events kept, counted in revisions (default 50 000). */
  revisions?: number;
  /** Bytes of object data the kept events may hold (default 256 MiB); the oldest go first. */
  bytes?: number;
  /** Regular pass interval in ms (default 60 s); a pass also runs after every `bytes / 8` written. */
  intervalMs?: number;
  onError?: (e: unknown) => void;
}

export const DEFAULT_RETAIN_REVISIONS = 50_000;
export const DEFAULT_RETAIN_BYTES = 256 * 1024 * 1024;

/**
 * One pass drops events beyond `revisions` and then the oldest until at most `bytes` remain (watchers older than
 * that get 410 Gone and relist). Passes run on a timer and, so that a burst of large writes cannot outgrow the
 * bound between two ticks, after every eighth of `bytes` written: the history never exceeds `bytes` by more than
 * what is written during one pass.
 */
export class HistoryRetention {
  readonly revisions: number;
  readonly bytes: number;
  private written = 0;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly timer: NodeJS.Timeout;
  /** Passes run so far (for tests and metrics). */
  passes = 0;

  constructor(
    private readonly backend: Backend,
    private readonly opts: RetentionOptions = {},
  ) {
    this.revisions = opts.revisions ?? DEFAULT_RETAIN_REVISIONS;
    this.bytes = opts.bytes ?? DEFAULT_RETAIN_BYTES;
    this.timer = setInterval(() => void this.run(), opts.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Counts `n` bytes committed; starts a pass once an eighth of the byte bound was written since the last. */
  noteWrite(n: number): void {
    this.written += n;
    if (this.written >= this.bytes / 8) void this.run();
  }

  /** Runs one pass (or joins the running one and runs another after it). */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.written = 0;
    this.running = this.pass()
      .catch((e: unknown) => this.opts.onError?.(e))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.run();
        }
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    this.passes += 1;
    const rev = await this.backend.revision();
    if (rev > this.revisions) await this.backend.compact(rev - this.revisions);
    const point = await this.backend.compactionPointForBytes?.(this.bytes);
    if (point !== undefined && point > 0) await this.backend.compact(point);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

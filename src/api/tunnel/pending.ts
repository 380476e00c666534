// One log request in flight through a tunnel: a bounded line buffer between the agent's upload and the API reader.
import type { Readable } from 'node:stream';
import { ApiError } from '../../model/index.js';
import { LineSplitter } from './lines.js';

/**
 * Lines flow from `attach`ed upload to `take`; the upload is paused while more than `maxLines` are
 * buffered and resumed below half of that. `end`/`fail` are final; `close` (the reader left) releases
 * the upload's handler.
 */
export class PendingRequest {
  private readonly lines: string[] = [];
  private done = false;
  private error?: Error;
  private wake?: () => void;
  private upload?: Readable;
  private detach?: () => void;
  closed = false;

  constructor(
    readonly id: string,
    readonly site: string,
    private readonly maxLines: number,
  ) {}

  get answered(): boolean {
    return this.upload !== undefined || this.done || this.error !== undefined;
  }

  get finished(): boolean {
    return this.done || this.error !== undefined;
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  end(): void {
    this.done = true;
    this.poke();
  }

  fail(e: Error): void {
    if (this.finished) return;
    this.error = e;
    this.poke();
  }

  /** Next line, undefined at the end; throws the failure. Resolves early (undefined) when `signal` aborts. */
  async take(signal: AbortSignal): Promise<string | undefined> {
    for (;;) {
      if (this.lines.length) {
        const l = this.lines.shift()!;
        if (this.upload?.isPaused() && this.lines.length < this.maxLines / 2) this.upload.resume();
        return l;
      }
      if (this.error) throw this.error;
      if (this.done || signal.aborted) return undefined;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  /** Reads the agent's upload into the buffer; resolves when it ends, breaks, or the reader leaves. */
  attach(stream: Readable): Promise<void> {
    this.upload = stream;
    const split = new LineSplitter();
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        stream.off('data', onData);
        stream.off('end', onEnd);
        stream.off('error', onBroken);
        stream.off('close', onBroken);
        this.detach = undefined;
        resolve();
      };
      const onData = (chunk: Buffer): void => {
        this.lines.push(...split.push(chunk));
        if (this.lines.length > this.maxLines) stream.pause();
        this.poke();
      };
      const onEnd = (): void => {
        this.lines.push(...split.flush());
        this.end();
        finish();
      };
      const onBroken = (): void => {
        this.lines.push(...split.flush());
        this.fail(new ApiError('Unavailable', `the agent of site ${this.site} broke off the log stream`));
        finish();
      };
      stream.on('data', onData);
      stream.once('end', onEnd);
      stream.once('error', onBroken);
      stream.once('close', onBroken);
      this.detach = finish;
      if (this.closed) finish();
    });
  }

  /** The reader left: stop buffering and release the upload handler. */
  close(): void {
    this.closed = true;
    this.lines.length = 0;
    this.upload?.resume();
    this.detach?.();
    this.poke();
  }
}

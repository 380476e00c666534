// Splits a byte stream into text lines (UTF-8 safe across chunk boundaries, CR before LF dropped).
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  /** Complete lines in this chunk (plus what was left over from earlier chunks). */
  push(chunk: Buffer | string): string[] {
    const parts = (this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk))).split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** The unterminated last line, if any. */
  flush(): string[] {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    return last ? [last] : [];
  }
}

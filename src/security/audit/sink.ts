// Where audit lines live: the AuditSink interface, a durable JSON-lines file implementation and an in-memory one.
import {
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  fstatSync,
  readSync,
  ftruncateSync,
  fsyncSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { appendFile, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Storage for the audit chain. Contract: `append` writes the lines in order after all previously
 * appended ones and resolves only once they are durable; lines never contain "\n". `writeHead`
 * stores the latest signed head (it may lag after a crash, never lead).
 */
export interface AuditSink {
  append(lines: string[]): Promise<void>;
  /** The last complete line, or undefined for an empty log. */
  tail(): Promise<string | undefined>;
  lines(): AsyncIterable<string>;
  writeHead(head: string): Promise<void>;
  readHead(): Promise<string | undefined>;
  /** Appends one signed checkpoint line beside the log (sinks without it keep no checkpoints). */
  appendCheckpoint?(line: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryAuditSink implements AuditSink {
  data: string[] = [];
  head: string | undefined;
  async append(lines: string[]): Promise<void> {
    this.data.push(...lines);
  }
  async tail(): Promise<string | undefined> {
    return this.data.at(-1);
  }
  async *lines(): AsyncIterable<string> {
    yield* this.data;
  }
  async writeHead(head: string): Promise<void> {
    this.head = head;
  }
  async readHead(): Promise<string | undefined> {
    return this.head;
  }
  checkpoints: string[] = [];
  async appendCheckpoint(line: string): Promise<void> {
    this.checkpoints.push(line);
  }
  async close(): Promise<void> {}
}

/** Drops a torn final line (written but never acknowledged: the crash came before its fsync). */
function repairTornTail(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    let end = size;
    const chunk = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const i = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (i >= 0) {
        ftruncateSync(fd, start + i + 1);
        fsyncSync(fd);
        return;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The audit log as a JSON-lines file (O_APPEND, mode 0600) plus a head file next to it. Each
 * append batch is one write followed by fdatasync, so an acknowledged record survives kill -9
 * and power loss; AuditLog batches concurrent appends into one such write (group commit).
 */
export class FileAuditSink implements AuditSink {
  private constructor(
    readonly path: string,
    readonly headPath: string,
    private fh: FileHandle,
    readonly checkpointsPath?: string,
  ) {}

  static async open(path: string, headPath: string, checkpointsPath?: string): Promise<FileAuditSink> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (existsSync(path)) repairTornTail(path);
    return new FileAuditSink(path, headPath, await open(path, 'a', 0o600), checkpointsPath);
  }

  /** Checkpoints go to their own file (not fsynced: one lost in a crash is only a checkpoint fewer). */
  async appendCheckpoint(line: string): Promise<void> {
    if (this.checkpointsPath) await appendFile(this.checkpointsPath, `${line}\n`, { mode: 0o600 });
  }

  async append(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.fh.write(`${lines.join('\n')}\n`);
    await this.fh.datasync();
  }

  async tail(): Promise<string | undefined> {
    const { size } = await this.fh.stat();
    if (size === 0) return undefined;
    const rh = await open(this.path, 'r');
    try {
      // Records are bounded (sanitizeEntry), so the last one fits in the final 64 KiB.
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      await rh.read(buf, 0, len, size - len);
      const text = buf.toString('utf8').replace(/\n$/, '');
      return text.slice(text.lastIndexOf('\n') + 1);
    } finally {
      await rh.close();
    }
  }

  async *lines(): AsyncIterable<string> {
    yield* readLines(this.path);
  }

  async writeHead(head: string): Promise<void> {
    // Not fsynced on purpose: a head that lags after a crash is tolerated, one that leads is not possible.
    const tmp = `${this.headPath}.tmp`;
    writeFileSync(tmp, head, { mode: 0o600 });
    renameSync(tmp, this.headPath);
  }

  async readHead(): Promise<string | undefined> {
    return existsSync(this.headPath) ? readFile(this.headPath, 'utf8') : undefined;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** Streams the lines of a JSON-lines file (a trailing empty line is skipped). */
export async function* readLines(path: string): AsyncIterable<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

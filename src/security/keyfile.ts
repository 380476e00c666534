// Private key files in the data directory: created atomically with mode 0600, refused when readable by others.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the security layer keeps its files below the data directory. */
export function securityPaths(dataDir: string): {
  keysDir: string;
  tokenKeys: string;
  auditKey: string;
  secretKeys: string;
  auditLog: string;
  auditHead: string;
} {
  const keysDir = join(dataDir, 'keys');
  return {
    keysDir,
    tokenKeys: join(keysDir, 'token-signing.json'),
    auditKey: join(keysDir, 'audit-ed25519.pem'),
    secretKeys: join(keysDir, 'secrets-kek.json'),
    auditLog: join(dataDir, 'audit', 'audit.jsonl'),
    auditHead: join(dataDir, 'audit', 'audit.head.json'),
  };
}

/**
 * Writes `content` to `path` via a temp file + fsync + rename so readers never see a partial key.
 * The file gets mode 0600 and its directory 0700 (when created here).
 */
export function writeSecretFile(path: string, content: string | Buffer): void {
  const tmp = writeTemp(path, content);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

function writeTemp(path: string, content: string | Buffer): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function fsyncDir(dir: string): void {
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/**
 * Reads a key file, refusing (like ssh) when group or others may read or write it, because a key
 * that leaked is no key. Returns undefined when the file does not exist.
 */
export function readSecretFile(path: string): Buffer | undefined {
  if (!existsSync(path)) return undefined;
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(
      `key file ${path} has mode ${mode.toString(8)}; it must not be accessible by group or others (chmod 600)`,
    );
  }
  return readFileSync(path);
}

/** Reads the file or, when absent, creates it from `create()` and returns what was written. */
export function loadOrCreateSecretFile(path: string, create: () => string): string {
  const existing = readSecretFile(path);
  if (existing) return existing.toString('utf8');
  // link() fails when the file appeared meanwhile, so two processes starting at once agree on one key.
  const tmp = writeTemp(path, create());
  try {
    linkSync(tmp, path);
    fsyncDir(dirname(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return (readSecretFile(path) as Buffer).toString('utf8');
}

// Why a process workload could not run its program: a missing command or script (inside the sandbox), a digest
// that does not match the approved artifact; reported as a machine-readable reason with the path named.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { RunSpec } from '../driver.js';
import { expandVars } from './launch.js';
import { StartRefusal } from './refusals.js';

/** Runs that end within this long with a not-found signature are diagnosed (longer runs found their program). */
export const QUICK_EXIT_MS = 15_000;

/** Log lines of shells, bwrap, the loader, Node and Python saying a program or script does not exist. */
const NOT_FOUND: RegExp[] = [
  /Cannot find module '([^']+)'/g,
  /can't open file '([^']+)'/g,
  /execvp (\S+): No such file or directory/g,
  /(?:sh|bash|dash): (?:\d+: |line \d+: )?(?:exec: )?(\S+?): (?:not found|No such file or directory)/g,
  /(?:^|\s)(\/[^\s:'"]+): (?:not found|No such file or directory)/gm,
];

/** The path in the last not-found line of `text`. */
function lastNotFound(text: string): string | undefined {
  let best: { at: number; path: string } | undefined;
  for (const re of NOT_FOUND)
    for (const m of text.matchAll(re)) if (!best || m.index > best.at) best = { at: m.index, path: m[1] };
  return best?.path;
}

/** The last `bytes` of a file (empty when unreadable). */
function tail(file: string, bytes = 8192): string {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(bytes, size));
      readSync(fd, buf, 0, buf.length, Math.max(0, size - buf.length));
      return buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

export interface Diagnosis {
  reason: 'CommandNotFound';
  message: string;
}

/**
 * Whether a run that ended with `exitCode` after `ranMs` failed because its program or script is missing:
 * exit 127 (shell/exec convention) or a not-found line at the end of its log. `visible` (sandboxed runs) are the
 * trees the workload sees; a path that exists on the host but outside them is said to be hidden, with the fix.
 */
export function diagnoseExit(
  exitCode: number | undefined,
  ranMs: number,
  logFile: string,
  visible: readonly string[] | undefined,
): Diagnosis | undefined {
  if (exitCode === undefined || exitCode === 0 || ranMs > QUICK_EXIT_MS) return undefined;
  const text = tail(logFile);
  const path = lastNotFound(text);
  if (!path && exitCode !== 127) return undefined;
  const what = path ?? 'its command';
  let where = '';
  if (path && isAbsolute(path) && visible) {
    const shown = visible.some((v) => path === v || path.startsWith(`${v}/`));
    if (!shown && existsSync(path))
      where =
        ` (${path} exists on the host but lies outside what the sandbox shows: ${visible.join(', ')};` +
        ' put it under the artifact dir or the driver\u2019s readOnlyPaths)';
  }
  return { reason: 'CommandNotFound', message: `exit ${exitCode}: ${what} not found inside the sandbox${where}` };
}

/**
 * Verifies `artifact.sha256` against the program file (`programFile`, else the resolved command `file`) before a
 * start; throws a StartRefusal (DigestMismatch) when it differs or cannot be read.
 */
export function verifyDigest(spec: RunSpec, file: string, env: Record<string, string>): void {
  const want = spec.artifact.sha256;
  if (!want) return;
  const program = spec.artifact.programFile
    ? resolve(spec.artifactBaseDir ?? '/', expandVars(spec.artifact.programFile, env))
    : file;
  let got: string;
  try {
    got = createHash('sha256').update(readFileSync(program)).digest('hex');
  } catch (e) {
    throw new StartRefusal('DigestMismatch', `digest of ${program} cannot be checked: ${(e as Error).message}`);
  }
  if (got !== want) throw new StartRefusal('DigestMismatch', `${program} has sha256 ${got}, not the pinned ${want}`);
}

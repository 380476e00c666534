// Unit tests of the process driver's pure parts: expansion, command resolution, back-off, ids, /proc parsing, rotation.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, basename } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { isApiError } from '../../../model/errors.js';
import { expandVars, resolveCommand, withCgroupJoin } from './launch.js';
import { readLogLines, rotateIfNeeded } from './logs.js';
import { backoffAfterExit, restartDelay, shouldRestart, DEFAULT_BACKOFF } from './policy.js';
import { portEnv, portEnvName } from './ports.js';
import { exitCodeOf, isAlive, readProcStat } from './proc.js';
import { sanitiseId } from './state.js';

const tmp = mkdtempSync(join(tmpdir(), 'continuum-units-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('$(VAR) expansion', () => {
  const vars = { A: 'x', PORT: '8080' };
  test('expands defined variables, keeps undefined ones, honours $$ escapes', () => {
    expect(expandVars('--port=$(PORT)', vars)).toBe('--port=8080');
    expect(expandVars('$(A)$(A)-$(MISSING)', vars)).toBe('xx-$(MISSING)');
    expect(expandVars('$$(A) and $$$(A)', vars)).toBe('$(A) and $x');
    expect(expandVars('$A ${A} $(1A) $(A', vars)).toBe('$A ${A} $(1A) $(A');
    expect(expandVars('cost: 5$$', vars)).toBe('cost: 5$');
  });
  test('text without $( is unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('$(') && !s.includes('$$')),
        (s) => expandVars(s, vars) === s,
      ),
    );
  });
});

describe('command resolution', () => {
  test('absolute, relative to the artifact dir, and bare names on PATH', () => {
    const node = process.execPath;
    expect(resolveCommand(node, undefined, '')).toBe(node);
    expect(resolveCommand(`${basename(dirname(node))}/${basename(node)}`, dirname(dirname(node)), '')).toBe(node);
    expect(resolveCommand(basename(node), undefined, `/nonexistent:${dirname(node)}`)).toBe(node);
  });
  test('unusable commands are Invalid', () => {
    const plain = join(tmp, 'not-executable');
    writeFileSync(plain, 'data', { mode: 0o644 });
    for (const [cmd, base] of [
      ['no-such-binary-xyz', undefined],
      ['bin/x', undefined],
      [plain, undefined],
      ['/', undefined],
      ['x/y', tmp],
    ] as const) {
      let err: unknown;
      try {
        resolveCommand(cmd, base, '/usr/bin:/bin');
      } catch (e) {
        err = e;
      }
      expect(isApiError(err, 'Invalid'), cmd).toBe(true);
    }
  });
  test('cgroup join wraps the command in sh only when there is a cgroup to join', () => {
    const plan = { file: '/bin/true', args: ['a b'], env: {} };
    expect(withCgroupJoin(plan, [])).toEqual({ file: '/bin/true', args: ['a b'] });
    const w = withCgroupJoin(plan, ['/cg/m/cgroup.procs']);
    expect(w.file).toBe('/bin/sh');
    expect(w.args.slice(2)).toEqual(['sh', '1', '/cg/m/cgroup.procs', '/bin/true', 'a b']);
  });
});

describe('ports', () => {
  test('PORT is the first declared port; names are upper-cased with - → _', () => {
    expect(portEnvName('metrics-api')).toBe('PORT_METRICS_API');
    expect(portEnv([{ name: 'web' }, { name: 'admin-ui' }], { web: 1000, 'admin-ui': 2000 })).toEqual({
      PORT: '1000',
      PORT_WEB: '1000',
      PORT_ADMIN_UI: '2000',
    });
  });
});

describe('restart policy and back-off', () => {
  const cfg = { baseMs: 100, maxMs: 10_000, resetAfterMs: 10_000 };
  test('doubles from the base to the cap', () => {
    expect([0, 1, 2, 3, 6, 7, 8, 60].map((n) => restartDelay(n, cfg))).toEqual([
      100, 200, 400, 800, 6400, 10_000, 10_000, 10_000,
    ]);
    expect(DEFAULT_BACKOFF).toEqual(cfg);
  });
  test('a run that stayed up long enough resets the crash loop', () => {
    let loop = 0;
    const delays: number[] = [];
    for (const up of [50, 50, 50, 12_000, 50]) {
      const b = backoffAfterExit(loop, up, cfg);
      delays.push(b.delayMs);
      loop = b.crashLoop;
    }
    expect(delays).toEqual([100, 200, 400, 100, 200]);
  });
  test('policies', () => {
    expect(shouldRestart('Always', 0, false)).toBe(true);
    expect(shouldRestart('Never', 1, true)).toBe(false);
    expect(shouldRestart('OnFailure', 0, false)).toBe(false);
    expect(shouldRestart('OnFailure', 0, true)).toBe(true);
    expect(shouldRestart('OnFailure', 2, false)).toBe(true);
    expect(shouldRestart('OnFailure', undefined, false)).toBe(true);
  });
  test('exit codes of signal deaths follow the shell convention', () => {
    expect(exitCodeOf(3, null)).toBe(3);
    expect(exitCodeOf(null, 'SIGKILL')).toBe(137);
    expect(exitCodeOf(null, 'SIGTERM')).toBe(143);
  });
});

describe('state ids and /proc', () => {
  test('sanitised ids are file-name safe and injective', () => {
    expect(sanitiseId('default/web')).toBe('default_2f_web');
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const [x, y] = [sanitiseId(a), sanitiseId(b)];
        return /^[A-Za-z0-9_-]*$/.test(x) && x.length <= 200 && (a === b) === (x === y);
      }),
    );
  });
  test('reads its own /proc stat; unknown pids are not alive', () => {
    const st = readProcStat(process.pid);
    expect(st?.state).toMatch(/[RS]/);
    expect(isAlive(process.pid, st?.startTime)).toBe(true);
    expect(isAlive(process.pid, '1')).toBe(false);
    expect(isAlive(2 ** 22 + 7)).toBe(false);
  });
});

describe('log rotation', () => {
  test('copy-truncate keeps `keep` rotated files and reads lines oldest first', async () => {
    const dir = join(tmp, 'logs');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const cur = join(dir, 'current.log');
    let n = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) appendFileSync(cur, `line ${++n}\n`);
      expect(rotateIfNeeded(dir, 50, 2)).toBe(true);
    }
    appendFileSync(cur, `line ${++n}\npartial`);
    expect(rotateIfNeeded(dir, 50, 2)).toBe(false);
    expect(existsSync(join(dir, 'current.log.3'))).toBe(false);
    expect(statSync(join(dir, 'current.log.2')).size).toBeGreaterThan(0);
    const lines: string[] = [];
    for await (const l of readLogLines(dir, 2)) lines.push(l);
    expect(lines).toEqual([...Array.from({ length: 20 }, (_, i) => `line ${31 + i}`), 'line 51', 'partial']);
    const tail: string[] = [];
    for await (const l of readLogLines(dir, 2, { tail: 3 })) tail.push(l);
    expect(tail).toEqual(['line 50', 'line 51', 'partial']);
    writeFileSync(cur, 'x'.repeat(100));
    expect(rotateIfNeeded(dir, 50, 0)).toBe(true);
    expect(readFileSync(cur, 'utf8')).toBe('');
  });
});

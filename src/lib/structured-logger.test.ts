// The structured logger writes one JSON object per line, honours its level and carries child bindings.
import { describe, expect, it } from 'vitest';
import { createStructuredLogger, isStructured, silentLogger } from './index.js';

const capture = (level?: 'debug' | 'info' | 'warn') => {
  const lines: string[] = [];
  const log = createStructuredLogger({ level, write: (l) => lines.push(l), bindings: { component: 't' } });
  return { log, rows: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), lines };
};

describe('createStructuredLogger', () => {
  it('writes JSON lines with level, time, msg, the fields and the bindings', () => {
    const { log, rows, lines } = capture();
    log.info('hello', { site: 'a', n: 2 });
    log.child({ requestId: 'r1' }).warn('careful');
    expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
    expect(rows()).toEqual([
      expect.objectContaining({ level: 30, msg: 'hello', site: 'a', n: 2, component: 't', time: expect.any(String) }),
      expect.objectContaining({ level: 40, msg: 'careful', requestId: 'r1', component: 't' }),
    ]);
  });

  it.each([
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['debug', ['debug', 'info', 'warn', 'error']],
  ] as const)('at level %s writes %j', (level, want) => {
    const { log, rows } = capture(level);
    for (const l of ['debug', 'info', 'warn', 'error'] as const) log[l](l);
    expect(rows().map((r) => r.msg)).toEqual(want);
  });

  it('keeps hostile field values inside the JSON (no line injection)', () => {
    const { log, rows, lines } = capture();
    log.info('x\n{"level":60,"msg":"forged"}', { v: '\n{"forged":true}' });
    expect(lines).toHaveLength(1);
    expect(rows()[0]).toMatchObject({ msg: 'x\n{"level":60,"msg":"forged"}', v: '\n{"forged":true}' });
  });

  it('is recognised as structured; the silent logger is not', () => {
    expect(isStructured(capture().log)).toBe(true);
    expect(isStructured(silentLogger)).toBe(false);
  });
});

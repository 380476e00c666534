// Tests of DriverSet: routing by runtime kind, refusing kinds it does not offer, runtime switches, the owner's view.
import { describe, expect, it } from 'vitest';
import { isApiError } from '../../model/errors.js';
import type { RuntimeKind } from '../../model/index.js';
import type { RunSpec, RunState } from './driver.js';
import { DriverSet, RuntimeUnavailableError } from './set.js';
import { FakeDriver, fakeState } from './testing/fake.js';

const spec = (name: string, runtime: RuntimeKind, generation = 1): RunSpec => ({
  id: `ns/${name}`,
  uid: `uid-ns/${name}`,
  generation,
  runtime,
  artifact: {},
  ports: [{ name: 'http' }],
  env: [],
  resources: {},
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 1,
});

function setOf(adopted: Partial<Record<RuntimeKind, RunState[]>> = {}) {
  const proc = new FakeDriver('process', adopted.process);
  const cont = new FakeDriver('container', adopted.container);
  const set = new DriverSet(
    new Map<RuntimeKind, FakeDriver>([
      ['process', proc],
      ['container', cont],
    ]),
    (kind) => `no ${kind} here`,
  );
  const events: RunState[] = [];
  set.onChange((s) => events.push(s));
  return { proc, cont, set, events };
}

describe('DriverSet', () => {
  it.each<[RuntimeKind, 'proc' | 'cont']>([
    ['process', 'proc'],
    ['container', 'cont'],
  ])('runs a %s workload on that driver only', async (runtime, which) => {
    const t = setOf();
    const s = await t.set.ensure(spec('a', runtime));
    const [mine, other] = which === 'proc' ? [t.proc, t.cont] : [t.cont, t.proc];
    expect(mine.ensured.map((x) => x.id)).toEqual(['ns/a']);
    expect(other.ensured).toEqual([]);
    expect(t.set.get('ns/a')).toEqual(s);
    expect(t.set.list()).toEqual([s]);
    expect(t.events).toEqual([s]);
    const lines: string[] = [];
    for await (const l of t.set.logs('ns/a')) lines.push(l);
    expect(lines).toEqual([`${mine.name} log of ns/a\n`]);
  });

  it('refuses a runtime it does not offer, with the reason, and runs it nowhere', async () => {
    const t = setOf();
    const err = await t.set.ensure(spec('f', 'function')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeUnavailableError);
    expect(err).toMatchObject({ runtime: 'function', message: 'no function here' });
    expect(isApiError(err, 'Unavailable')).toBe(true);
    expect([...t.proc.ensured, ...t.cont.ensured]).toEqual([]);
    expect(t.set.get('ns/f')).toBeUndefined();
    expect(t.set.name).toBe('process,container');
    expect(t.set.kinds).toEqual(['process', 'container']);
  });

  it('moves a workload whose runtime changed: the new run starts, then the old one is removed out of sight', async () => {
    const t = setOf();
    await t.set.ensure(spec('m', 'process'));
    const moved = await t.set.ensure(spec('m', 'container', 2));
    expect(t.proc.removed).toEqual(['ns/m']);
    expect(t.set.get('ns/m')).toEqual(moved);
    expect(t.set.list()).toEqual([moved]);
    // The old driver's final Terminated state never reaches the listeners: it is not the workload's state.
    expect(t.events.map((e) => [e.generation, e.phase])).toEqual([
      [1, 'Running'],
      [2, 'Running'],
    ]);
  });

  it('keeps the old run when the new driver refuses the spec', async () => {
    const t = setOf();
    const old = await t.set.ensure(spec('r', 'process'));
    t.cont.refuse = 'bad image';
    await expect(t.set.ensure(spec('r', 'container', 2))).rejects.toSatisfy((e) => isApiError(e, 'Invalid'));
    expect(t.proc.removed).toEqual([]);
    expect(t.set.get('ns/r')).toEqual(old);
    t.proc.refuse = 'bad command';
    await expect(t.set.ensure(spec('fresh', 'process'))).rejects.toThrow('bad command');
    expect(t.set.get('ns/fresh')).toBeUndefined();
  });

  it('shows each adopted workload once (the first driver wins) and removes it from every driver', async () => {
    const dup = fakeState('ns/dup');
    const t = setOf({ process: [dup, fakeState('ns/p')], container: [{ ...dup, generation: 2 }] });
    expect(t.set.list().map((s) => [s.id, s.generation])).toEqual([
      ['ns/dup', 1],
      ['ns/p', 1],
    ]);
    await t.set.remove('ns/dup');
    expect(t.proc.removed).toEqual(['ns/dup']);
    expect(t.cont.removed).toEqual(['ns/dup']);
    expect(t.events.map((e) => [e.id, e.generation, e.phase])).toEqual([['ns/dup', 1, 'Terminated']]);
    expect(t.set.get('ns/dup')).toBeUndefined();
    await expect(async () => {
      for await (const _ of t.set.logs('ns/dup')) break;
    }).rejects.toSatisfy((e) => isApiError(e, 'NotFound'));
    await t.set.close({ detach: true });
    expect([t.proc.closed, t.cont.closed]).toEqual([{ detach: true }, { detach: true }]);
  });
});

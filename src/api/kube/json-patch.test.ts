// RFC 6902 examples (appendix A) and hostile inputs for applyJsonPatch.
import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from './json-patch.js';

describe('applyJsonPatch', () => {
  it.each<[string, unknown, unknown, unknown]>([
    ['add member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { foo: 'bar', baz: 'qux' }],
    [
      'add array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    ['append with -', { a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }], { a: [1, 2] }],
    ['remove member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['remove element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    [
      'replace',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'move',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
    ['test passes', { a: [1, { b: 2 }] }, [{ op: 'test', path: '/a', value: [1, { b: 2 }] }], { a: [1, { b: 2 }] }],
    [
      'escaped tokens',
      { 'a/b': 1, 'm~n': 2 },
      [
        { op: 'replace', path: '/a~1b', value: 3 },
        { op: 'remove', path: '/m~0n' },
      ],
      { 'a/b': 3 },
    ],
  ])('%s', (_n, doc, ops, want) => {
    const before = JSON.stringify(doc);
    expect(applyJsonPatch(doc, ops)).toEqual(want);
    expect(JSON.stringify(doc)).toBe(before); // the input is never modified
  });

  it.each<[string, unknown, unknown, number, string]>([
    ['not an array', {}, { op: 'add' }, 400, '(body)'],
    ['unknown op', {}, [{ op: 'merge', path: '/a' }], 400, 'patch[0]'],
    ['missing value', {}, [{ op: 'add', path: '/a' }], 400, 'patch[0]'],
    ['bad pointer', {}, [{ op: 'add', path: 'a', value: 1 }], 400, 'patch[0]'],
    ['missing parent', {}, [{ op: 'add', path: '/a/b', value: 1 }], 422, 'patch[0]'],
    ['remove absent', { a: 1 }, [{ op: 'remove', path: '/b' }], 422, 'patch[0]'],
    [
      'test fails',
      { a: 1 },
      [
        { op: 'add', path: '/b', value: 1 },
        { op: 'test', path: '/a', value: 2 },
      ],
      422,
      'patch[1]',
    ],
    ['index out of range', { a: [] }, [{ op: 'add', path: '/a/5', value: 1 }], 422, 'patch[0]'],
    ['prototype pollution', {}, [{ op: 'add', path: '/__proto__', value: { x: 1 } }], 400, 'patch[0]'],
    ['move into itself', { a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], 400, 'patch[0]'],
  ])('refuses %s', (_n, doc, ops, status, field) => {
    try {
      applyJsonPatch(doc, ops);
      expect.unreachable();
    } catch (e) {
      expect((e as { status: number }).status).toBe(status);
      expect((e as { errors: { field: string }[] }).errors[0].field).toBe(field);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

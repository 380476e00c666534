// The event-stream parser: fields, comments, multi-line data, and UTF-8 characters cut anywhere between chunks.
import { describe, expect, it } from 'vitest';
import { decodeUtf8, parseSse, type SseEvent } from './sse.js';

async function* chunks(...parts: Array<Buffer | string>): AsyncIterable<Buffer | string> {
  for (const p of parts) yield p;
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('parseSse', () => {
  it.each<[string, string, SseEvent[]]>([
    ['a comment only', ': hello\n\n', []],
    ['a default event', 'data: x\n\n', [{ event: 'message', data: 'x', id: undefined }]],
    ['event and id', 'id: 7\nevent: ADDED\ndata: {"a":1}\n\n', [{ event: 'ADDED', data: '{"a":1}', id: '7' }]],
    ['multi-line data', 'data: a\ndata: b\n\n', [{ event: 'message', data: 'a\nb', id: undefined }]],
    ['no space after the colon', 'data:x\n\n', [{ event: 'message', data: 'x', id: undefined }]],
    ['a field without a value', 'data\n\n', [{ event: 'message', data: '', id: undefined }]],
    ['an unterminated last block', 'data: a\n\ndata: b\n', [{ event: 'message', data: 'a', id: undefined }]],
    [
      'two events',
      ': open\n\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n',
      [
        { event: 'message', data: 'a', id: '1' },
        { event: 'message', data: 'b', id: '2' },
      ],
    ],
  ])('parses %s', async (_name, text, want) => {
    expect(await all(parseSse(chunks(Buffer.from(text))))).toEqual(want);
    expect(await all(parseSse(chunks(text)))).toEqual(want);
  });

  const stream = 'id: 1\nevent: ADDED\ndata: {"city":"Alcalá de Henares","flag":"🇪🇺","pin":"🌍"}\n\n';
  const bytes = Buffer.from(stream);
  it.each([...Array(bytes.length - 1).keys()].map((i) => i + 1))(
    'keeps every character whole when the stream is cut after byte %i',
    async (cut) => {
      const [ev] = await all(parseSse(chunks(bytes.subarray(0, cut), bytes.subarray(cut))));
      expect(JSON.parse(ev.data)).toEqual({ city: 'Alcalá de Henares', flag: '🇪🇺', pin: '🌍' });
    },
  );

  it('keeps characters whole when the stream arrives one byte at a time', async () => {
    const [ev] = await all(parseSse(chunks(...[...bytes].map((b) => Buffer.from([b])))));
    expect(ev.data).toBe('{"city":"Alcalá de Henares","flag":"🇪🇺","pin":"🌍"}');
  });
});

describe('decodeUtf8', () => {
  it.each([
    ['whole', [Buffer.from('Alcalá 🌍')], 'Alcalá 🌍'],
    ['cut inside á', [Buffer.from([0x41, 0x6c, 0x63, 0x61, 0x6c, 0xc3]), Buffer.from([0xa1])], 'Alcalá'],
    ['cut inside 🌍', [Buffer.from([0xf0, 0x9f]), Buffer.from([0x8c]), Buffer.from([0x8d, 0x21])], '🌍!'],
    ['a truncated end', [Buffer.from([0x61, 0xc3])], 'a\ufffd'],
  ])('decodes %s', async (_name, parts, want) => {
    expect((await all(decodeUtf8(chunks(...parts)))).join('')).toBe(want);
  });
});

// Parses a text/event-stream body into events, decoding UTF-8 across chunk boundaries.

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Decodes a byte (or already decoded) chunk stream to text; a character split across chunks is kept whole. */
export async function* decodeUtf8(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Parses a text/event-stream body into (event, data, id) records; an unterminated last block is dropped. */
export async function* parseSse(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncIterable<SseEvent> {
  let buf = '';
  for await (const text of decodeUtf8(body)) {
    buf += text;
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev = parseBlock(block);
      if (ev) yield ev;
    }
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const c = line.indexOf(':');
    const field = c < 0 ? line : line.slice(0, c);
    const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  return data.length ? { event, data: data.join('\n'), id } : undefined;
}

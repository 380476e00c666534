// multipart/form-data for EWBI uploads: object parts travel as JSON text parts, binary parts as octet streams.
import { randomBytes } from 'node:crypto';

/** A decoded multipart body: text fields (JSON parts parsed) and binary parts kept as buffers. */
export interface MultipartBody {
  fields: Record<string, unknown>;
  files: Record<string, { filename?: string; contentType?: string; data: Buffer }>;
}

/** Encodes fields as multipart/form-data; objects and arrays become application/json parts. */
export function encodeMultipart(
  fields: Readonly<Record<string, unknown>>,
  files: Readonly<Record<string, { filename: string; data: Buffer | string }>> = {},
): { body: Buffer; contentType: string } {
  const boundary = `----ewbi${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const json = typeof value === 'object' && value !== null;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n` +
          (json ? 'Content-Type: application/json\r\n' : '') +
          `\r\n${json ? JSON.stringify(value) : String(value)}\r\n`,
      ),
    );
  }
  for (const [name, f] of Object.entries(files)) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${f.filename}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The boundary of a multipart/form-data content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const m = /^multipart\/form-data\s*;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * Decodes multipart/form-data. A part is parsed as JSON when it says application/json, or when its text looks
 * like a JSON object or array (senders that do not label object parts). Throws Error on malformed input.
 */
export function decodeMultipart(body: Buffer, boundary: string): MultipartBody {
  const out: MultipartBody = { fields: Object.create(null) as Record<string, unknown>, files: {} };
  const delim = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delim);
  if (pos < 0) throw new Error('multipart boundary not found');
  for (;;) {
    pos += delim.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break;
    if (body.subarray(pos, pos + 2).toString() === '\r\n') pos += 2;
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw new Error('multipart part without headers');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headEnd + 4);
    if (next < 0) throw new Error('multipart part not terminated');
    const headers = body.subarray(pos, headEnd).toString('utf8');
    const data = body.subarray(headEnd + 4, next);
    const disp = /content-disposition:\s*form-data\s*;([^\r\n]*)/i.exec(headers);
    const name = disp ? /\bname="([^"]*)"/i.exec(disp[1])?.[1] : undefined;
    if (!name || name === '__proto__') throw new Error('multipart part without a name');
    const filename = disp ? /\bfilename="([^"]*)"/i.exec(disp[1])?.[1] : undefined;
    const type = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim().toLowerCase();
    if (filename !== undefined || type === 'application/octet-stream') {
      out.files[name] = {
        ...(filename !== undefined ? { filename } : {}),
        ...(type ? { contentType: type } : {}),
        data,
      };
    } else {
      const text = data.toString('utf8');
      const looksJson = /^\s*[[{]/.test(text);
      if (type === 'application/json' || looksJson) {
        try {
          out.fields[name] = JSON.parse(text, (k, v: unknown) => (k === '__proto__' ? undefined : v));
        } catch {
          if (type === 'application/json') throw new Error(`multipart part ${name}: malformed JSON`);
          out.fields[name] = text;
        }
      } else out.fields[name] = text;
    }
    pos = next + 2;
  }
  return out;
}

// /openapi/v2 in the protobuf encoding client-go asks for (gnostic's openapi.v2.Document): info and definitions,
// enough for kubectl's OpenAPI v2 readers (explain --output plaintext-openapiv2, v2 validation).

/** The answer's media type: what clients ask for is `…spec.v2@v1.0+protobuf`, but '@' is not valid in a media type. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Protobuf wire writer: fields appended in order, messages nested by length. */
class Writer {
  private readonly parts: Buffer[] = [];

  private varint(n: number): void {
    const out: number[] = [];
    let v = n;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.parts.push(Buffer.from(out));
  }

  private key(no: number, wire: number): void {
    this.varint(no * 8 + wire);
  }

  bytes(no: number, b: Buffer): this {
    this.key(no, 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }

  string(no: number, s: unknown): this {
    return typeof s === 'string' ? this.bytes(no, Buffer.from(s, 'utf8')) : this;
  }

  message(no: number, w: Writer): this {
    return this.bytes(no, w.finish());
  }

  int(no: number, n: unknown): this {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return this;
    this.key(no, 0);
    this.varint(n);
    return this;
  }

  double(no: number, n: unknown): this {
    if (typeof n !== 'number') return this;
    this.key(no, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(n);
    this.parts.push(b);
    return this;
  }

  bool(no: number, v: unknown): this {
    return v === true ? this.flag(no, true) : this;
  }

  /** A bool written even when false (a oneof member). */
  flag(no: number, v: boolean): this {
    this.key(no, 0);
    this.varint(v ? 1 : 0);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** gnostic's Any: the value as YAML (JSON is YAML). */
const anyYaml = (v: unknown): Writer => new Writer().string(2, JSON.stringify(v));
const named = (name: string, value: Writer): Writer => new Writer().string(1, name).message(2, value);

function schema(s: unknown): Writer {
  const w = new Writer();
  if (!isObj(s)) return w;
  w.string(1, s.$ref).string(2, s.format).string(3, s.title).string(4, s.description);
  if (s.default !== undefined) w.message(5, anyYaml(s.default));
  w.double(6, s.multipleOf).double(7, s.maximum).bool(8, s.exclusiveMaximum).double(9, s.minimum);
  w.bool(10, s.exclusiveMinimum).int(11, s.maxLength).int(12, s.minLength).string(13, s.pattern);
  w.int(14, s.maxItems).int(15, s.minItems).bool(16, s.uniqueItems).int(17, s.maxProperties);
  w.int(18, s.minProperties);
  for (const r of Array.isArray(s.required) ? s.required : []) w.string(19, r);
  for (const e of Array.isArray(s.enum) ? s.enum : []) w.message(20, anyYaml(e));
  if (typeof s.additionalProperties === 'boolean') w.message(21, new Writer().flag(2, s.additionalProperties));
  else if (isObj(s.additionalProperties)) w.message(21, new Writer().message(1, schema(s.additionalProperties)));
  if (typeof s.type === 'string') w.message(22, new Writer().string(1, s.type));
  if (isObj(s.items)) w.message(23, new Writer().message(1, schema(s.items)));
  for (const a of Array.isArray(s.allOf) ? s.allOf : []) w.message(24, schema(a));
  if (isObj(s.properties)) {
    const props = new Writer();
    for (const [k, v] of Object.entries(s.properties)) props.message(1, named(k, schema(v)));
    w.message(25, props);
  }
  w.bool(27, s.readOnly);
  if (s.example !== undefined) w.message(30, anyYaml(s.example));
  for (const [k, v] of Object.entries(s)) if (k.startsWith('x-')) w.message(31, named(k, anyYaml(v)));
  return w;
}

/** The Swagger 2.0 document (as `swaggerDocument` builds it) as an openapi.v2.Document message. */
export function swaggerProtobuf(doc: Json): Buffer {
  const info = isObj(doc.info) ? doc.info : {};
  const w = new Writer().string(1, doc.swagger);
  w.message(2, new Writer().string(1, info.title).string(2, info.version).string(3, info.description));
  for (const c of Array.isArray(doc.consumes) ? doc.consumes : []) w.string(6, c);
  for (const p of Array.isArray(doc.produces) ? doc.produces : []) w.string(7, p);
  const defs = new Writer();
  for (const [name, s] of Object.entries(isObj(doc.definitions) ? doc.definitions : {}))
    defs.message(1, named(name, schema(s)));
  w.message(9, defs);
  return w.finish();
}

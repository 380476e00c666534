// Reads the few Kubernetes protobuf bodies kubectl sends for built-in kinds (`k8s\0` + runtime.Unknown), no codegen.

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Field number → values (strings for length-delimited fields are decoded by the caller). */
type Fields = Map<number, Buffer[]>;

function varint(buf: Buffer, pos: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    v += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [v, pos];
    shift += 7;
  }
  throw new Error('varint too long');
}

/** Length-delimited fields of one message; other wire types are skipped. Throws on malformed input. */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = varint(buf, pos);
    pos = p1;
    const wire = key & 7;
    const no = Math.floor(key / 8);
    if (wire === 0) pos = varint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, p2] = varint(buf, pos);
      if (p2 + len > buf.length) throw new Error('truncated field');
      out.set(no, [...(out.get(no) ?? []), buf.subarray(p2, p2 + len)]);
      pos = p2 + len;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (pos > buf.length) throw new Error('truncated message');
  }
  return out;
}

const str = (f: Fields, no: number): string | undefined => f.get(no)?.[0]?.toString('utf8');
const msg = (f: Fields, no: number): Fields => fields(f.get(no)?.[0] ?? Buffer.alloc(0));

export const isKubeProtobuf = (b: Buffer): boolean => b.length >= 4 && b.subarray(0, 4).equals(MAGIC);

/** The apiVersion, kind and raw object bytes of a `k8s\0`-framed runtime.Unknown. */
export function unwrap(b: Buffer): { apiVersion?: string; kind?: string; raw: Buffer } {
  if (!isKubeProtobuf(b)) throw new Error('not a Kubernetes protobuf body');
  const u = fields(b.subarray(4));
  const tm = msg(u, 1);
  return { apiVersion: str(tm, 1), kind: str(tm, 2), raw: u.get(2)?.[0] ?? Buffer.alloc(0) };
}

export interface AccessReviewSpec {
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    version?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path?: string; verb?: string };
  /** SubjectAccessReview only: whom the question is about. */
  user?: string;
  groups?: string[];
}

/** (Self)SubjectAccessReview → its spec (SubjectAccessReview adds user and groups). */
export function accessReviewSpec(raw: Buffer): AccessReviewSpec {
  const spec = msg(fields(raw), 2);
  const out: AccessReviewSpec = {};
  if (spec.has(1)) {
    const r = msg(spec, 1);
    out.resourceAttributes = {
      namespace: str(r, 1),
      verb: str(r, 2),
      group: str(r, 3),
      version: str(r, 4),
      resource: str(r, 5),
      subresource: str(r, 6),
      name: str(r, 7),
    };
  }
  if (spec.has(2)) {
    const n = msg(spec, 2);
    out.nonResourceAttributes = { path: str(n, 1), verb: str(n, 2) };
  }
  if (spec.has(3)) out.user = str(spec, 3);
  if (spec.has(4)) out.groups = (spec.get(4) ?? []).map((b) => b.toString('utf8'));
  return out;
}

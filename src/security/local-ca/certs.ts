// Issues ECDSA P-256 X.509 v3 certificates with node:crypto: a self-signed CA and serving certificates it signs.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { bits, bool, explicit, octets, oid, seq, set, time, tlv, uint, utf8 } from './der.js';

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

export interface Issued {
  certPem: string;
  keyPem: string;
}

const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ext = (id: string, critical: boolean, value: Buffer): Buffer =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2, method 1). */
function keyId(pub: KeyObject): Buffer {
  const spki = pub.export({ type: 'spki', format: 'der' });
  // The EC point is the last 65 bytes of a P-256 SubjectPublicKeyInfo.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

function certificate(o: {
  subject: string;
  issuer: string;
  pub: KeyObject;
  signer: KeyObject;
  days: number;
  extensions: Buffer[];
  now: Date;
}): string {
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const notBefore = new Date(o.now.getTime() - 5 * 60_000); // tolerate small clock differences
  const notAfter = new Date(o.now.getTime() + o.days * 86_400_000);
  const tbs = seq(
    explicit(0, uint(2)),
    uint(serial),
    ECDSA_SHA256,
    name(o.issuer),
    seq(time(notBefore), time(notAfter)),
    name(o.subject),
    o.pub.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...o.extensions)),
  );
  const sig = sign('sha256', tbs, { key: o.signer, dsaEncoding: 'der' });
  const der = seq(tbs, ECDSA_SHA256, bits(sig));
  const body = (der.toString('base64').match(/.{1,64}/g) ?? []).join('\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

const pemKey = (k: KeyObject): string => k.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A self-signed CA (may sign end-entity certificates only: path length 0). */
export function issueCa(cn: string, days: number, now = new Date()): Issued & { key: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certPem = certificate({
    subject: cn,
    issuer: cn,
    pub: publicKey,
    signer: privateKey,
    days,
    now,
    extensions: [
      ext('2.5.29.19', true, seq(bool(true), uint(0))),
      // digitalSignature, keyCertSign, cRLSign
      ext('2.5.29.15', true, bits(Buffer.from([0x86]), 1)),
      ext('2.5.29.14', false, octets(keyId(publicKey))),
    ],
  });
  return { certPem, keyPem: pemKey(privateKey), key: privateKey };
}

/** A serving certificate for `hosts` (DNS names and IP addresses) signed by the CA. */
export function issueServing(
  ca: { cn: string; key: KeyObject; pub: KeyObject },
  cn: string,
  hosts: string[],
  days: number,
  now = new Date(),
): Issued {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const names = [...new Set(hosts)].map((h) => (isIP(h) ? tlv(0x87, ipBytes(h)) : tlv(0x82, Buffer.from(h, 'ascii'))));
  const certPem = certificate({
    subject: cn,
    issuer: ca.cn,
    pub: publicKey,
    signer: ca.key,
    days,
    now,
    extensions: [
      ext('2.5.29.19', true, seq()),
      ext('2.5.29.15', true, bits(Buffer.from([0x80]), 7)), // digitalSignature
      ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // serverAuth
      ext('2.5.29.17', false, seq(...names)),
      ext('2.5.29.35', false, seq(tlv(0x80, keyId(ca.pub)))),
    ],
  });
  return { certPem, keyPem: pemKey(privateKey) };
}

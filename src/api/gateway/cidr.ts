// CIDR parsing and matching for IPv4 and IPv6 addresses (IPv4-mapped IPv6 addresses match IPv4 networks).
import { isIP } from 'node:net';

export interface Cidr {
  /** 4 or 6. */
  family: number;
  bits: bigint;
  prefix: number;
  text: string;
}

function v4(ip: string): bigint {
  return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6(ip: string): bigint {
  let s = ip;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const n = v4(tail[1]);
    s = `${s.slice(0, tail.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** An address as (family, bits), IPv4-mapped IPv6 folded to IPv4; undefined when not an IP literal. */
export function parseIp(address: string): { family: number; bits: bigint } | undefined {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) return { family: 4, bits: v4(mapped[1]) };
  const fam = isIP(a);
  if (fam === 4) return { family: 4, bits: v4(a) };
  if (fam === 6) return { family: 6, bits: v6(a) };
  return undefined;
}

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128); undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, len, extra] = text.split('/');
  if (extra !== undefined || !addr) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  const shift = BigInt(max - prefix);
  return { family: ip.family, bits: (ip.bits >> shift) << shift, prefix, text };
}

/** Whether `address` lies in `cidr`. */
export function cidrContains(cidr: Cidr, address: string): boolean {
  const ip = parseIp(address);
  if (!ip || ip.family !== cidr.family) return false;
  const shift = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return (ip.bits >> shift) << shift === cidr.bits;
}

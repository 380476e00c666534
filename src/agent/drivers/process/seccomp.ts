// A classic-BPF seccomp filter for confined workloads: no new user namespaces (no capabilities in a namespace of their own).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LD_ABS_W = 0x20;
const JEQ_K = 0x15;
const JSET_K = 0x45;
const RET_K = 0x06;
const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const CLONE_NEWUSER = 0x10000000;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
/** x86_64 syscall numbers. */
const NR = { clone: 56, unshare: 272, clone3: 435 };
/** Offsets in struct seccomp_data: nr, arch, args[0] (low 32 bits, little-endian). */
const OFF = { nr: 0, arch: 4, arg0: 16 };

type Insn = [code: number, jt: number, jf: number, k: number];

/**
 * The filter, for x86_64 (other architectures are let through unfiltered: `undefined` from seccompProgram):
 * `unshare` and `clone` with CLONE_NEWUSER fail with EPERM; `clone3` fails with ENOSYS (its flags live in
 * memory a filter cannot read; libc falls back to `clone`); x32 syscalls fail with EPERM. All else is allowed.
 */
export const PROGRAM: Insn[] = [
  /* 0 */ [LD_ABS_W, 0, 0, OFF.arch],
  /* 1 */ [JEQ_K, 0, 8, AUDIT_ARCH_X86_64], // other arch → 10 (allow)
  /* 2 */ [LD_ABS_W, 0, 0, OFF.nr],
  /* 3 */ [JSET_K, 7, 0, X32_SYSCALL_BIT], // → 11 (EPERM)
  /* 4 */ [JEQ_K, 3, 0, NR.unshare], // → 8 (flags)
  /* 5 */ [JEQ_K, 2, 0, NR.clone], // → 8 (flags)
  /* 6 */ [JEQ_K, 5, 0, NR.clone3], // → 12 (ENOSYS)
  /* 7 */ [RET_K, 0, 0, RET_ALLOW],
  /* 8 */ [LD_ABS_W, 0, 0, OFF.arg0],
  /* 9 */ [JSET_K, 1, 0, CLONE_NEWUSER], // → 11 (EPERM)
  /* 10 */ [RET_K, 0, 0, RET_ALLOW],
  /* 11 */ [RET_K, 0, 0, RET_ERRNO | EPERM],
  /* 12 */ [RET_K, 0, 0, RET_ERRNO | ENOSYS],
];

/** The program as struct sock_filter[] bytes (what `bwrap --seccomp FD` reads), or undefined off x86_64. */
export function seccompProgram(arch: string = process.arch): Buffer | undefined {
  if (arch !== 'x64') return undefined;
  const buf = Buffer.alloc(PROGRAM.length * 8);
  PROGRAM.forEach(([code, jt, jf, k], i) => {
    buf.writeUInt16LE(code, i * 8);
    buf.writeUInt8(jt, i * 8 + 2);
    buf.writeUInt8(jf, i * 8 + 3);
    buf.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return buf;
}

/** Writes the program to `<dir>/seccomp.bpf` (0600) and returns its path; undefined where there is none. */
export function writeSeccompProgram(dir: string): string | undefined {
  const prog = seccompProgram();
  if (!prog) return undefined;
  const file = join(dir, 'seccomp.bpf');
  writeFileSync(file, prog, { mode: 0o600 });
  return file;
}

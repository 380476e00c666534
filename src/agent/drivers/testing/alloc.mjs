// Test fixture: allocates and touches ALLOC_MB MiB (default 256) in 8 MiB steps, then exits 0; a memory limit should kill it first.
const total = Number(process.env.ALLOC_MB ?? 256);
const keep = [];
for (let mb = 8; mb <= total; mb += 8) {
  keep.push(Buffer.allocUnsafe(8 * 1024 * 1024).fill(mb & 0xff));
  if (mb % 64 === 0) console.log(`allocated ${mb} MiB`);
}
console.log(`done ${keep.length * 8} MiB`);
process.exit(0);

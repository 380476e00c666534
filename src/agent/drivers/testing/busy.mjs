// Test fixture: burns CPU until killed (for CPU quota throttling checks).
console.log('spinning');
for (;;) {
  Math.sqrt(Math.random());
}

// Test fixture: ignores SIGTERM (logs it) and runs until SIGKILL.
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
setInterval(() => {}, 1000);
console.log('started, ignoring SIGTERM');

// Test fixture: starts, writes to stdout and stderr, then exits with EXIT_CODE (default 3) after CRASH_AFTER_MS (default 50).
console.log('crash fixture starting');
console.error('crash fixture about to fail');
setTimeout(() => process.exit(Number(process.env.EXIT_CODE ?? 3)), Number(process.env.CRASH_AFTER_MS ?? 50));

// Function test fixture: a module that starts, writes to stdout and stderr, then exits with EXIT_CODE (default 3).
console.log('crash fixture starting');
console.error('crash fixture about to fail');
setTimeout(() => process.exit(Number(process.env.EXIT_CODE ?? 3)), Number(process.env.CRASH_AFTER_MS ?? 50));

export default () => 'never reached for long';

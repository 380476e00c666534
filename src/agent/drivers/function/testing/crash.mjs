// Function test fixture: a module that starts, writes to stdout and stderr, then exits with EXIT_CODE (default 3)
// after CRASH_AFTER_MS (default 50); CRASH_AFTER_MS=0 exits while the module loads (the host never listens).
console.log('crash fixture starting');
console.error('crash fixture about to fail');
const code = Number(process.env.EXIT_CODE ?? 3);
const after = Number(process.env.CRASH_AFTER_MS ?? 50);
if (after === 0) process.exit(code);
setTimeout(() => process.exit(code), after);

export default () => 'never reached for long';

// Function test fixture: a module that takes over SIGTERM and ignores it (the runtime must SIGKILL after the grace).
process.removeAllListeners('SIGTERM');
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));

export default () => ({ stubborn: true });

// `npm run test:loaded`: the test command of the README while two busy-loop processes keep both cores busy.
import { spawn, type ChildProcess } from 'node:child_process';

const BUSY = Number(process.env.LOADED_BUSY ?? 2);
const command = process.argv.slice(2).length ? process.argv.slice(2) : ['npm', 'test'];

const hogs: ChildProcess[] = Array.from({ length: BUSY }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopHogs = (): void => {
  for (const h of hogs) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
};
process.stderr.write(`test:loaded: ${BUSY} busy-loop processes (pids ${hogs.map((h) => h.pid).join(', ')})\n`);
process.stderr.write(`test:loaded: running ${command.join(' ')}\n`);

const t0 = Date.now();
const run = spawn(command[0], command.slice(1), { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    run.kill(sig);
    stopHogs();
  });
run.on('exit', (code, signal) => {
  stopHogs();
  const s = ((Date.now() - t0) / 1000).toFixed(0);
  process.stderr.write(`test:loaded: ${command.join(' ')} ended with ${signal ?? code} after ${s} s under load\n`);
  process.exit(code ?? 1);
});

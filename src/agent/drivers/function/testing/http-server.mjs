// Function test fixture: the function version of the drivers' http-server fixture (env, pid, slow health, /fail).
import { randomUUID } from 'node:crypto';

/** Tells instances apart (each sandbox has its own PID namespace, so pids repeat). */
const instance = randomUUID();
const started = Date.now();
const readyAfterMs = Number(process.env.READY_AFTER_MS ?? 0);
const events = [];

export default async function handle(request) {
  const url = new URL(request.url);
  const trigger = request.headers.get('x-continuum-trigger');
  if (trigger) {
    const event = {
      trigger,
      topic: request.headers.get('x-continuum-topic') ?? request.headers.get('x-continuum-subject'),
      body: await request.text(),
    };
    events.push(event);
    return { echo: event, instance };
  }
  if (url.pathname === '/healthz') {
    const ok = Date.now() - started >= readyAfterMs;
    return new Response(ok ? 'ok' : 'warming up', { status: ok ? 200 : 503 });
  }
  if (url.pathname === '/fail') return new Response('always failing', { status: 500 });
  if (url.pathname === '/events') return { events, instance };
  if (url.pathname === '/sleep') {
    await new Promise((r) => setTimeout(r, Number(url.searchParams.get('ms') ?? 200)));
    return { slept: true, instance };
  }
  return {
    pid: process.pid,
    env: process.env,
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    uid: process.getuid?.(),
  };
}

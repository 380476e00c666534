// The `continuum` command: dispatches to one file per command and turns failures into exit codes.
import { ApiError } from '../model/index.js';
import { TransportError } from '../client/index.js';
import { UsageError, parse, setCommandSignal, suggest, type Command, type Io } from './command.js';
import { commands } from './commands/index.js';
import { commandHelp, overview } from './help.js';

const help = (): string => overview(commands);
const find = (n: string | undefined): Command | undefined =>
  commands.find((c) => c.name === n || c.aliases?.includes(n ?? ''));

export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined) argv = [rest[0], '--help'];
  else if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') argv = ['version', '--client'];
  const cmd = find(argv[0]);
  if (!cmd) {
    const near = suggest(
      argv[0],
      commands.map((c) => c.name),
    );
    io.err(`error: unknown command ${JSON.stringify(argv[0])}${near ? `; did you mean "${near}"?` : ''}\n\n${help()}`);
    return 1;
  }
  setCommandSignal(io.signal);
  try {
    const { values, positionals } = parse(cmd, argv.slice(1) ?? rest);
    if (values.help) {
      io.out(commandHelp(cmd));
      return 0;
    }
    return (await cmd.run(values, positionals, io)) ?? 0;
  } catch (e) {
    // Stopped by Ctrl-C / SIGTERM: no error message, the shell's usual 130.
    if (io.signal.aborted && isAbort(e)) return 130;
    if (e instanceof UsageError) io.err(`error: ${e.message}\n`);
    else if (e instanceof ApiError) {
      io.err(`Error from server (${e.code}): ${e.message}\n`);
      for (const f of e.errors.slice(0, 20)) io.err(`  ${f.field}: ${f.message}\n`);
    } else if (e instanceof TransportError) io.err(`error: ${e.message}\n`);
    else io.err(`error: ${(e as Error).message ?? String(e)}\n`);
    return e instanceof UsageError ? 2 : 1;
  } finally {
    setCommandSignal(undefined);
  }
}

const isAbort = (e: unknown): boolean =>
  (e as { name?: string })?.name === 'AbortError' || (e as { code?: string })?.code === 'ABORT_ERR';

/** Default time a command has to finish after Ctrl-C / SIGTERM before the process exits anyway. */
const STOP_GRACE_MS = 2000;

/**
 * Ctrl-C / SIGTERM abort the command's signal (every request of its client stops at once). A command that does
 * not finish within its stop grace is ended anyway (exit 130); a second signal ends it immediately.
 */
export async function main(argv: string[]): Promise<void> {
  const ac = new AbortController();
  const graceMs = find(argv[0])?.stopGraceMs ?? STOP_GRACE_MS;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (ac.signal.aborted) {
      process.stderr.write(`${sig} again: exiting now\n`);
      process.exit(130);
    }
    ac.abort();
    setTimeout(() => {
      process.stderr.write(`error: the command did not stop within ${graceMs} ms of ${sig}; exiting\n`);
      process.exit(130);
    }, graceMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await run(argv, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    signal: ac.signal,
  });
  process.exitCode = code;
}

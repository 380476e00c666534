// Runs the CLI in-process for tests, capturing its exit code and output.
import { run } from '../main.js';

export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    signal: new AbortController().signal,
  });
  return { code, out, err };
}

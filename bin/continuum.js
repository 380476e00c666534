#!/usr/bin/env node
// Entry point of the `continuum` command: runs the compiled CLI.
import('../dist/src/cli/main.js')
  .then((m) => m.main(process.argv.slice(2)))
  .catch((err) => {
    console.error(err?.stack ?? String(err));
    process.exit(1);
  });

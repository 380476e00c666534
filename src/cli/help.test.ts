// Help generated from the option tables: every flag described, `help CMD`, unknown flags and commands suggested.
import { describe, expect, it } from 'vitest';
import { commands } from './commands/index.js';
import { flagHelp } from './help.js';
import { runCli } from './testing/run.js';

describe('help', () => {
  it.each(commands.map((c) => [c.name, c] as const))('%s --help lists every flag with a description', async (n, c) => {
    const r = await runCli(n, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Usage: ${c.usage}`);
    for (const [flag, spec] of Object.entries(c.options)) {
      expect(flagHelp(flag, spec).description, `${n} --${flag} has no description`).toBeTruthy();
      expect(r.out).toMatch(new RegExp(`--${flag}\\b.*\\S`));
    }
  });

  it('shows defaults and short forms', async () => {
    const r = await runCli('get', '--help');
    expect(r.out).toMatch(/-o, --output FORMAT\s+Output format: yaml, json, wide, name, jsonpath=.*\(default: table\)/);
    expect(r.out).toMatch(/-n, --namespace NS\s+Namespace to work in \(default: default\)/);
    expect(r.out).toMatch(/--show-labels\s+Add a LABELS column/);
  });

  it('`continuum help CMD` is `continuum CMD --help`; `continuum help` lists commands', async () => {
    expect((await runCli('help', 'delete')).out).toBe((await runCli('delete', '--help')).out);
    const all = await runCli('help');
    expect([all.code, all.out]).toEqual([0, expect.stringMatching(/Commands:\n {2}up /)]);
    const unknown = await runCli('help', 'gett');
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringContaining('did you mean "get"?')]);
  });

  it.each([
    [['get', 'sites', '--outptu', 'yaml'], 'unknown flag --outptu for "continuum get"; did you mean --output?'],
    [['apply', '--file', 'x.yaml'], 'did you mean --filename?'],
    [['delete', 'site', 'x', '--ignore-notfound'], 'did you mean --ignore-not-found?'],
    [['get', 'sites', '--zzzzzzzz'], 'unknown flag --zzzzzzzz for "continuum get"\nRun \'continuum get --help\''],
    [['get', 'sites', '-n'], 'flag --namespace needs a value'],
  ])('%j → usage error', async (argv, msg) => {
    const r = await runCli(...argv);
    expect([r.code, r.err]).toEqual([2, expect.stringContaining(msg)]);
  });
});

// `continuum edit KIND NAME`: opens the object in $KUBE_EDITOR/$EDITOR and writes it back, re-opening on errors.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { ApiError, type AnyResource } from '../../model/index.js';
import { CONNECTION, clientFrom, kindArg, splitKindName, UsageError, type Command } from '../command.js';

const HEADER =
  '# Please edit the object below. Lines beginning with a # are ignored, and an empty file aborts the edit.\n' +
  '# Status is written by controllers; changes to it are ignored. If an error occurs the file is re-opened\n' +
  '# with the error at the top.\n#\n';

/** The editor command line: KUBE_EDITOR, then EDITOR, then vi (run through the shell, so "code --wait" works). */
export const editorCommand = (env: NodeJS.ProcessEnv = process.env): string =>
  env.KUBE_EDITOR || env.CONTINUUM_EDITOR || env.EDITOR || 'vi';

async function runEditor(file: string, signal: AbortSignal): Promise<void> {
  const cmd = `${editorCommand()} ${JSON.stringify(file)}`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, { shell: true, stdio: 'inherit', signal });
    child.on('error', reject);
    child.on('exit', (code, sig) =>
      code === 0 ? resolve() : reject(new Error(`editor "${cmd}" exited with ${sig ?? `code ${code}`}`)),
    );
  });
}

const uncommented = (s: string): string =>
  s
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .trim();

const errorComment = (lines: string[]): string => lines.map((l) => `# ${l}\n`).join('') + '#\n';

export const editCommand: Command = {
  name: 'edit',
  summary: 'Edit an object in $KUBE_EDITOR or $EDITOR and save it back (re-opens on invalid input)',
  usage: 'continuum edit KIND NAME [-n NS] [-o yaml|json]',
  options: {
    ...CONNECTION,
    output: {
      type: 'string',
      short: 'o',
      description: 'Edit as yaml or json',
      placeholder: 'FORMAT',
      defaultText: 'yaml',
    },
  },
  async run(v, positionals, io) {
    const [alias, name] = splitKindName(positionals);
    const kind = kindArg(alias, this.usage);
    if (!name) throw new UsageError(`a name is required\nusage: ${this.usage}`);
    const format = v.output ?? 'yaml';
    if (!['yaml', 'json'].includes(format)) throw new UsageError('edit works on -o yaml or -o json');
    const { client, namespace } = clientFrom(v);
    const ns = kind.namespaced ? namespace : undefined;
    const original = await client.get(kind, ns, name);
    const render = (o: unknown): string => (format === 'json' ? JSON.stringify(o, null, 2) + '\n' : stringify(o));
    const dir = mkdtempSync(join(tmpdir(), 'continuum-edit-'));
    const file = join(dir, `${kind.singular}-${name}.${format}`);
    let body = render(original);
    let errors: string[] = [];
    let lastFailed: string | undefined;
    try {
      for (;;) {
        writeFileSync(file, HEADER + (errors.length ? errorComment(errors) : '') + body, { mode: 0o600 });
        await runEditor(file, io.signal);
        const edited = readFileSync(file, 'utf8');
        const content = uncommented(edited);
        if (content === '') {
          io.err('Edit cancelled, empty file.\n');
          return 1;
        }
        if (content === uncommented(render(original)) && !errors.length) {
          io.out('Edit cancelled, no changes made.\n');
          return 0;
        }
        if (lastFailed !== undefined && content === lastFailed) {
          const keep = join(tmpdir(), `continuum-edit-${process.pid}-${name}.${format}`);
          writeFileSync(keep, edited, { mode: 0o600 });
          io.err(`error: ${errors.join('\n  ')}\nEdit cancelled: the file still has errors; it was kept in ${keep}\n`);
          return 1;
        }
        body = content + '\n';
        let obj: AnyResource;
        try {
          obj = parseYaml(content) as AnyResource;
          if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('not an object');
        } catch (e) {
          errors = [`The edited file is not valid ${format.toUpperCase()}: ${(e as Error).message.split('\n')[0]}`];
          lastFailed = content;
          continue;
        }
        if (obj.kind !== original.kind || obj.metadata?.name !== name || (ns && obj.metadata?.namespace !== ns)) {
          errors = ['kind, metadata.name and metadata.namespace cannot be changed by edit'];
          lastFailed = content;
          continue;
        }
        try {
          const saved = await client.update(obj);
          io.out(
            saved.metadata.resourceVersion === original.metadata.resourceVersion
              ? `${kind.singular}/${name} unchanged\n`
              : `${kind.singular}/${name} edited\n`,
          );
          return 0;
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          errors = [
            `${kind.singular} "${name}" was not valid:`,
            `${e.code}: ${e.message}`,
            ...e.errors.slice(0, 20).map((f) => `  ${f.field}: ${f.message}`),
          ];
          lastFailed = content;
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

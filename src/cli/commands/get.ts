// `continuum get`: list or read objects as a table, YAML or JSON; --watch streams changes.
import { ApiError, type AnyResource } from '../../model/index.js';
import { CONNECTION, clientFrom, kindArg, splitKindName, type Command } from '../command.js';
import { renderObjects } from '../output.js';

export const getCommand: Command = {
  name: 'get',
  summary: 'Display one or many objects',
  usage: 'continuum get KIND [NAME...] [-n NS | -A] [-l SELECTOR] [--field-selector F] [-o yaml|json|wide|name] [-w]',
  options: {
    ...CONNECTION,
    output: { type: 'string', short: 'o' },
    selector: { type: 'string', short: 'l' },
    'field-selector': { type: 'string' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    watch: { type: 'boolean', short: 'w' },
    'no-headers': { type: 'boolean' },
  },
  async run(v, positionals, io) {
    const [alias, first] = splitKindName(positionals);
    const kind = kindArg(alias, this.usage);
    const names = first !== undefined ? [first, ...positionals.slice(2)] : [];
    const { client, namespace } = clientFrom(v);
    const ns = kind.namespaced && !v['all-namespaces'] ? namespace : undefined;
    const render = (items: AnyResource[], noHeaders = false): string =>
      renderObjects(kind, items, {
        output: v.output,
        showNamespace: !!v['all-namespaces'],
        noHeaders: noHeaders || v['no-headers'],
      });

    let items: AnyResource[];
    let rv = '';
    if (names.length) {
      items = [];
      for (const n of names) items.push(await client.get(kind, ns, n));
    } else {
      const r = await client.list(kind, {
        namespace: ns,
        labelSelector: v.selector,
        fieldSelector: v['field-selector'],
      });
      items = r.items;
      rv = r.metadata.resourceVersion;
    }
    if (v.output === 'json' && !names.length)
      io.out(
        JSON.stringify(
          { apiVersion: 'v1', kind: `${kind.kind}List`, metadata: { resourceVersion: rv }, items },
          null,
          2,
        ) + '\n',
      );
    else if (items.length) io.out(render(items));
    else if (!v.watch && !v.output) io.err(`No ${kind.plural} found${ns ? ` in ${ns} namespace` : ''}.\n`);
    if (!v.watch) return;

    const fieldSelector = names.length === 1 ? `metadata.name=${names[0]}` : v['field-selector'];
    for (;;) {
      try {
        for await (const ev of client.watch(
          kind,
          {
            namespace: ns,
            labelSelector: v.selector,
            fieldSelector,
            resourceVersion: rv || undefined,
            bookmarks: true,
          },
          io.signal,
        )) {
          rv = ev.object.metadata.resourceVersion;
          if (ev.type === 'BOOKMARK') continue;
          if (v.output === 'yaml') io.out(`---\n${render([ev.object])}`);
          else if (v.output === 'json') io.out(JSON.stringify(ev) + '\n');
          else io.out(render([ev.object], true).replace(/\n$/, ev.type === 'DELETED' ? '   (deleted)\n' : '\n'));
        }
      } catch (e) {
        if (io.signal.aborted) return;
        if (e instanceof ApiError && e.code === 'Gone') rv = '';
        else throw e;
      }
      if (io.signal.aborted) return;
    }
  },
};

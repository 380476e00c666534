// `continuum get`: list or read objects as a table, YAML or JSON; --watch streams changes.
import { ApiError, EventKind, type AnyResource } from '../../model/index.js';
import { CONNECTION, clientFrom, kindArg, splitKindName, type Command } from '../command.js';
import { columnPath } from '../jsonpath.js';
import { renderObjects, sortItems } from '../output.js';

/** Events list oldest first, like a log, unless --sort-by says otherwise. */
const EVENT_ORDER = '.spec.lastTimestamp';

export const getCommand: Command = {
  name: 'get',
  summary: 'Display one or many objects',
  usage:
    'continuum get KIND [NAME...] [-n NS | -A] [-l SELECTOR] [--field-selector F] ' +
    '[-o yaml|json|wide|name|jsonpath=T|custom-columns=C] [--sort-by PATH] [--show-labels] [-w]',
  options: {
    ...CONNECTION,
    output: {
      type: 'string',
      short: 'o',
      description:
        'Output format: yaml, json, wide, name, jsonpath=TEMPLATE (e.g. {.items[*].metadata.name}), ' +
        'custom-columns=NAME:.metadata.name,...',
      placeholder: 'FORMAT',
      defaultText: 'table',
    },
    selector: { type: 'string', short: 'l' },
    'field-selector': {
      type: 'string',
      description: 'Field selector, e.g. spec.siteName=x,status.phase!=Running',
      placeholder: 'SELECTOR',
    },
    'all-namespaces': { type: 'boolean', short: 'A', description: 'List across every namespace you may see' },
    watch: { type: 'boolean', short: 'w', description: 'After listing, stream changes' },
    'no-headers': { type: 'boolean', description: 'Omit the table header' },
    'sort-by': {
      type: 'string',
      description: 'Sort the list by a JSONPath, e.g. .metadata.name or {.status.restarts}',
      placeholder: 'PATH',
      defaultText: `name; ${EVENT_ORDER} for events`,
    },
    'show-labels': { type: 'boolean', description: 'Add a LABELS column to tables' },
  },
  async run(v, positionals, io) {
    const [alias, first] = splitKindName(positionals);
    const kind = kindArg(alias, this.usage);
    const names = first !== undefined ? [first, ...positionals.slice(2)] : [];
    const { client, namespace } = clientFrom(v);
    const ns = kind.namespaced && !v['all-namespaces'] ? namespace : undefined;
    const sortBy: string | undefined = v['sort-by'] ?? (kind.kind === EventKind.kind ? EVENT_ORDER : undefined);
    if (sortBy !== undefined) columnPath(sortBy); // a bad path is a usage error before any request
    const render = (items: AnyResource[], noHeaders = false, asList = names.length !== 1): string =>
      renderObjects(kind, items, {
        output: v.output,
        showNamespace: !!v['all-namespaces'],
        noHeaders: noHeaders || v['no-headers'],
        showLabels: !!v['show-labels'],
        asList,
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
    if (sortBy !== undefined) items = sortItems(items, sortBy);
    if (v.output === 'json' && !names.length)
      io.out(
        JSON.stringify(
          { apiVersion: 'v1', kind: `${kind.kind}List`, metadata: { resourceVersion: rv }, items },
          null,
          2,
        ) + '\n',
      );
    else if (items.length || String(v.output).startsWith('jsonpath=')) io.out(render(items));
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
          else if (String(v.output).startsWith('jsonpath=')) io.out(render([ev.object], true, false));
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

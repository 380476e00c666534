// `continuum site cordon|uncordon|drain|fail|recover NAME`: take a site out of placement, empty it, or fail it on purpose.
import {
  getCondition,
  SITE_DRAIN_ANNOTATION,
  SITE_FAIL_ANNOTATION,
  SiteKind,
  WorkloadKind,
  type Site,
} from '../../model/index.js';
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';

/** Each verb is one merge patch of the Site (the API: PATCH /…/sites/NAME, so any client can do the same). */
const VERBS: Record<string, { patch: (now: string) => unknown; done: string; help: string }> = {
  cordon: {
    patch: () => ({ spec: { unschedulable: true } }),
    done: 'cordoned (no new workloads; running ones stay)',
    help: 'mark the site unschedulable: placement skips it, running workloads stay',
  },
  uncordon: {
    patch: () => ({ spec: { unschedulable: null }, metadata: { annotations: { [SITE_DRAIN_ANNOTATION]: null } } }),
    done: 'uncordoned',
    help: 'undo cordon and drain: the site takes new workloads again',
  },
  drain: {
    patch: (now) => ({ spec: { unschedulable: true }, metadata: { annotations: { [SITE_DRAIN_ANNOTATION]: now } } }),
    done: 'draining (cordoned; each workload is replaced elsewhere, the new one ready before the old one stops)',
    help: 'cordon, then move every workload elsewhere, one replica of a component at a time',
  },
  fail: {
    patch: (now) => ({ metadata: { annotations: { [SITE_FAIL_ANNOTATION]: now } } }),
    done: 'failed on purpose (NotReady now; its workloads fail over; inside `continuum up` its agent and workloads stop)',
    help: 'simulate a failure of the site (inside `continuum up`: its agent stops renewing, its workloads stop)',
  },
  recover: {
    patch: () => ({ metadata: { annotations: { [SITE_FAIL_ANNOTATION]: null } } }),
    done: 'recovering (Ready again once its agent renews its lease)',
    help: 'end a simulated failure',
  },
};

export const siteCommand: Command = {
  name: 'site',
  summary: 'Cordon, uncordon, drain, fail or recover a site: continuum site drain NAME',
  usage: `continuum site cordon|uncordon|drain|fail|recover NAME\n${Object.entries(VERBS)
    .map(([k, v]) => `  ${k.padEnd(9)} ${v.help}`)
    .join('\n')}`,
  options: { ...CONNECTION },
  async run(v, positionals, io) {
    const [verb, raw] = positionals;
    const action = verb ? VERBS[verb] : undefined;
    const name = raw?.replace(/^(site|sites)\//, '');
    if (!action || !name) throw new UsageError(`usage: ${this.usage}`);
    const { client } = clientFrom(v);
    const site: Site = await client.patch(SiteKind, undefined, name, action.patch(new Date().toISOString()));
    io.out(`site/${name} ${action.done}\n`);
    if (verb === 'drain' || verb === 'fail') {
      const on = (await client.list(WorkloadKind, {})).items.filter((w) => w.spec.siteName === name);
      io.out(`${on.length} workload(s) on the site; follow with: continuum get workloads -A\n`);
    }
    if (verb === 'recover' && getCondition(site.status?.conditions, 'Ready')?.status !== 'True')
      io.out('the site stays NotReady until its agent renews its lease\n');
  },
};

// `continuum whoami`: who the server thinks the caller is (subject, roles, tenant, site, token id).
import { CONNECTION, clientFrom, type Command } from '../command.js';

export const whoamiCommand: Command = {
  name: 'whoami',
  summary: 'Show the identity and roles of the current credential',
  usage: 'continuum whoami [-o json]',
  options: {
    ...CONNECTION,
    output: { type: 'string', short: 'o', description: 'Output format: json', placeholder: 'FORMAT' },
  },
  async run(v, _p, io) {
    const { client } = clientFrom(v);
    const who = (await client.http.json<Record<string, unknown>>('GET', '/auth/v1/whoami')).body;
    if (v.output === 'json') {
      io.out(JSON.stringify(who, null, 2) + '\n');
      return 0;
    }
    const rows: Array<[string, unknown]> = [
      ['Subject', who.subject],
      ['Kind', who.principalKind],
      ['Roles', (who.roles as string[] | undefined)?.join(', ') || '(none)'],
      ['Site', who.site],
      ['Token', who.tokenId],
      ['Issuer', who.issuer],
      ['Groups', (who.groups as string[] | undefined)?.join(', ')],
    ];
    for (const [k, val] of rows) if (val !== undefined && val !== '') io.out(`${`${k}:`.padEnd(9)}${String(val)}\n`);
    return 0;
  },
};

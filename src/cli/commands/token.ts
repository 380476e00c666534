// `continuum token`: issue (create), revoke and list built-in API tokens and agent bootstrap tokens; rotate the signing key.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_ADMIN_TOKEN_TTL_SECONDS,
  TokenKind,
  adminTokenPaths,
  parseTtl,
  rotateAdminToken,
} from '../../security/index.js';
import { CONNECTION, UsageError, clientFrom, type Command, type Io } from '../command.js';
import { renderObjects } from '../output.js';

const USAGE =
  'continuum token create --role ROLE [--tenant T] [--ttl 24h] [--subject S] [--description D] [-o json]\n' +
  '       continuum token create --role agent --site SITE --bootstrap [--ttl 15m]\n' +
  '       continuum token revoke ID [--reason R]\n' +
  '       continuum token list [--role R] [-o yaml|json|wide|name]\n' +
  '       continuum token rotate-signing-key\n' +
  '       continuum token rotate-admin [--data-dir DIR] [--ttl 90d]   (0: no expiry)';

function ttlArg(text: string): number {
  try {
    return parseTtl(text);
  } catch (e) {
    throw new UsageError(`--ttl: ${(e as Error).message}`);
  }
}

async function create(v: Record<string, any>, io: Io): Promise<number> {
  if (!v.role) throw new UsageError(`--role is required\nusage: ${USAGE}`);
  if (v.bootstrap && !v.site) throw new UsageError('--bootstrap needs --site SITE');
  const ttlSeconds = v.ttl !== undefined ? ttlArg(v.ttl) : undefined;
  const body = {
    role: v.role,
    ...(v.tenant ? { tenant: v.tenant } : {}),
    ...(v.site ? { site: v.site } : {}),
    ...(v.bootstrap ? { bootstrap: true } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    ...(v.subject ? { subject: v.subject } : {}),
    ...(v.description ? { description: v.description } : {}),
  };
  const { client } = clientFrom(v);
  const r = await client.http.json<{
    token: string;
    record: { metadata: { name: string }; spec: Record<string, string> };
  }>('POST', '/auth/v1/tokens', body);
  const { token, record } = r.body;
  if (v.output === 'json') {
    io.out(JSON.stringify({ token, id: record.metadata.name, ...record.spec }, null, 2) + '\n');
    return 0;
  }
  if (v.output) throw new UsageError('token create prints the token, or JSON with -o json');
  // The token alone on stdout (for scripts); what it is on stderr. It is shown this once only.
  io.out(`${token}\n`);
  const s = record.spec;
  io.err(
    `${s.purpose === 'bootstrap' ? 'bootstrap token' : 'token'} ${record.metadata.name}: ${s.subject}, role ${s.role}${s.tenant ? ` in ${s.tenant}` : ''}${s.site ? ` for site ${s.site}` : ''}, expires ${s.expiresAt}\n` +
      `keep it secret: it is not stored and cannot be shown again (revoke with: continuum token revoke ${record.metadata.name})\n`,
  );
  return 0;
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'Create, revoke and list API tokens (and single-use agent bootstrap tokens)',
  usage: USAGE,
  options: {
    ...CONNECTION,
    role: { type: 'string', description: 'Role of the token (create) or to list', placeholder: 'ROLE' },
    tenant: { type: 'string', description: 'Tenant (namespace) the role applies to', placeholder: 'T' },
    ttl: { type: 'string', description: 'Lifetime, e.g. 15m, 24h, 30d', placeholder: 'DURATION' },
    site: { type: 'string', description: 'Site an agent token is for', placeholder: 'SITE' },
    bootstrap: { type: 'boolean', description: 'Single-use agent bootstrap token (with --site)' },
    subject: { type: 'string', description: 'Who the token is for', placeholder: 'S' },
    description: { type: 'string', description: 'Free text kept with the token', placeholder: 'D' },
    reason: { type: 'string', description: 'Why the token is revoked (audited)', placeholder: 'R' },
    'data-dir': {
      type: 'string',
      description: 'Data dir whose admin token rotate-admin replaces (default .continuum)',
      placeholder: 'DIR',
    },
    output: {
      type: 'string',
      short: 'o',
      description: 'Output format: json (create); yaml, json, wide, name (list)',
      placeholder: 'FORMAT',
    },
  },
  async run(v, positionals, io) {
    const [sub, ...rest] = positionals;
    switch (sub) {
      case 'create':
        if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}\nusage: ${USAGE}`);
        return create(v, io);
      case 'revoke': {
        if (rest.length !== 1) throw new UsageError(`token revoke takes one token id\nusage: ${USAGE}`);
        const { client } = clientFrom(v);
        await client.http.json(
          'POST',
          `/auth/v1/tokens/${encodeURIComponent(rest[0])}/revoke`,
          v.reason ? { reason: v.reason } : {},
        );
        io.out(`token ${rest[0]} revoked\n`);
        return 0;
      }
      case 'list': {
        const { client } = clientFrom(v);
        const r = await client.list(TokenKind, v.role ? { fieldSelector: `spec.role=${v.role}` } : {});
        if (!r.items.length && !v.output) io.err('No tokens found.\n');
        else io.out(renderObjects(TokenKind, r.items, { output: v.output }));
        return 0;
      }
      case 'rotate-signing-key': {
        if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}\nusage: ${USAGE}`);
        const { client } = clientFrom(v);
        const r = await client.http.json<{ keyId: string; keys: string[]; retired: string[] }>(
          'POST',
          '/auth/v1/signing-keys/rotate',
        );
        const { keyId, keys, retired } = r.body;
        io.out(
          `new tokens are signed with key ${keyId}; ${keys.length - 1} earlier key(s) still verify tokens they signed` +
            `${retired.length ? `; retired ${retired.join(', ')}` : ''}\n`,
        );
        return 0;
      }
      case 'rotate-admin': {
        // Whoever holds the data dir holds the admin token: rotation is a file operation, no server call needed
        // (it works when the old token expired); a running control plane switches within a second.
        if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}\nusage: ${USAGE}`);
        const dataDir = resolve(v['data-dir'] ?? '.continuum');
        if (!existsSync(adminTokenPaths(dataDir).token)) throw new Error(`no admin token in ${dataDir}`);
        const ttl = v.ttl !== undefined ? (v.ttl === '0' ? 0 : ttlArg(v.ttl)) : DEFAULT_ADMIN_TOKEN_TTL_SECONDS;
        const { meta } = rotateAdminToken(dataDir, ttl);
        io.out(
          `new admin token written to ${adminTokenPaths(dataDir).token} ` +
            `(${meta.expiresAt ? `expires ${meta.expiresAt}` : 'does not expire'}); the previous one is revoked ` +
            '(a running control plane switches within a second)\n',
        );
        return 0;
      }
      default:
        throw new UsageError(
          `token needs a subcommand: create, revoke, list, rotate-signing-key or rotate-admin\nusage: ${USAGE}`,
        );
    }
  },
};

// Tests for the security kinds' schemas: what issueToken stores validates, bindings cannot carry the wrong roles.
import { describe, expect, it } from 'vitest';
import { API_VERSION, kindByAlias, validateObject } from '../model/index.js';
import { ClusterRoleBindingKind, RoleBindingKind, SecretKind, TokenKind } from './kinds.js';
import { TokenKeyring } from './token-keys.js';
import { TokenService } from './tokens.js';

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}) });
const subjects = [
  { kind: 'User', name: 'corp:alice' },
  { kind: 'Group', name: 'ops' },
];

describe('security kinds', () => {
  it('accepts the Token records issueToken produces', async () => {
    const tokens = new TokenService({ keyring: TokenKeyring.ephemeral() });
    for (const req of [
      { subject: 'a', role: 'use-case-admin', tenant: 'acme', ttlSeconds: 60 },
      { subject: 'agent:site-a', role: 'agent', site: 'site-a', ttlSeconds: 60, bootstrap: true },
      { subject: 'root', role: 'admin', ttlSeconds: 60, description: 'break-glass' },
    ] as const) {
      const { record } = await tokens.issue(req);
      expect(validateObject(TokenKind, record)).toEqual([]);
    }
  });

  it.each<[string, unknown, string[]]>([
    [
      'RoleBinding with a tenant role',
      { kind: 'RoleBinding', metadata: meta('b', 'acme'), spec: { role: 'end-user', subjects } },
      [],
    ],
    [
      'RoleBinding with a cluster role',
      { kind: 'RoleBinding', metadata: meta('b', 'acme'), spec: { role: 'cloud-edge-admin', subjects } },
      ['spec.role'],
    ],
    [
      'RoleBinding without subjects',
      { kind: 'RoleBinding', metadata: meta('b', 'acme'), spec: { role: 'end-user', subjects: [] } },
      ['spec.subjects'],
    ],
    [
      'ClusterRoleBinding for auditors',
      { kind: 'ClusterRoleBinding', metadata: meta('b'), spec: { role: 'auditor', subjects } },
      [],
    ],
    [
      'ClusterRoleBinding granting agent',
      { kind: 'ClusterRoleBinding', metadata: meta('b'), spec: { role: 'agent', subjects } },
      ['spec.role'],
    ],
    [
      'ClusterRoleBinding with a service-account subject',
      {
        kind: 'ClusterRoleBinding',
        metadata: meta('b'),
        spec: { role: 'auditor', subjects: [{ kind: 'ServiceAccount', name: 'x' }] },
      },
      ['spec.subjects[0].kind'],
    ],
    [
      'Secret with stringData',
      { kind: 'Secret', metadata: meta('s', 'acme'), spec: { stringData: { 'db.password': 'x' } } },
      [],
    ],
    [
      'Secret with non-base64 data',
      { kind: 'Secret', metadata: meta('s', 'acme'), spec: { data: { k: 'not base64!' } } },
      ['spec.data.k'],
    ],
    [
      'Secret with a bad key name',
      { kind: 'Secret', metadata: meta('s', 'acme'), spec: { stringData: { 'a/b': 'x' } } },
      ['spec.stringData'],
    ],
    [
      'Secret with an unknown field',
      { kind: 'Secret', metadata: meta('s', 'acme'), spec: { value: 'x' } },
      ['spec.value'],
    ],
  ])('%s', (_n, obj, badFields) => {
    const o = { apiVersion: API_VERSION, ...(obj as { kind: string }) };
    const def = { RoleBinding: RoleBindingKind, ClusterRoleBinding: ClusterRoleBindingKind, Secret: SecretKind }[
      o.kind
    ]!;
    const fields = validateObject(def, o).map((e) => e.field);
    if (badFields.length === 0) expect(fields).toEqual([]);
    else
      for (const f of badFields)
        expect(
          fields.some((x) => x.startsWith(f)),
          `${f} in ${fields.join(', ')}`,
        ).toBe(true);
  });

  it('resolves CLI aliases and has printer columns', () => {
    expect(kindByAlias('rb')).toBe(RoleBindingKind);
    expect(kindByAlias('crb')).toBe(ClusterRoleBindingKind);
    expect(kindByAlias('tokens')).toBe(TokenKind);
    expect(kindByAlias('secret')).toBe(SecretKind);
    for (const k of [SecretKind, RoleBindingKind, ClusterRoleBindingKind, TokenKind])
      expect(k.columns[0]).toEqual({ name: 'NAME', path: 'metadata.name' });
    expect(SecretKind.columns.map((c) => c.path).join(' ')).not.toMatch(/spec\.data|stringData|encrypted/);
  });
});

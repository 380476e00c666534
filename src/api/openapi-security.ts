// OpenAPI paths of the security and agent routes (token issue/revoke, whoami, audit, key rotation, bootstrap, env).
const problem = {
  description: 'Problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};
const errors = Object.fromEntries(['400', '401', '403', '404', '429'].map((c) => [c, problem]));
const json = (description: string, properties: Record<string, unknown> = {}) => ({
  description,
  content: { 'application/json': { schema: { type: 'object', properties } } },
});
const str = { type: 'string' };
const path = (name: string) => ({ name, in: 'path', required: true, schema: str });

/** The routes of security-routes.ts and agent-routes.ts, for the OpenAPI document. */
export function securityOpenApiPaths(): Record<string, unknown> {
  const tag = ['Security'];
  return {
    '/auth/v1/whoami': {
      get: {
        tags: tag,
        summary: 'The caller: subject, roles, tenant, site, token id',
        operationId: 'whoAmI',
        responses: { '200': json('WhoAmI'), ...errors },
      },
    },
    '/auth/v1/tokens': {
      post: {
        tags: tag,
        summary: 'Issue a token (returned once, never stored); bootstrap: a single-use agent token for a site',
        operationId: 'issueToken',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['role'],
                additionalProperties: false,
                properties: {
                  role: str,
                  tenant: str,
                  site: str,
                  bootstrap: { type: 'boolean' },
                  ttlSeconds: { type: 'integer', minimum: 1 },
                  subject: str,
                  description: str,
                },
              },
            },
          },
        },
        responses: {
          '201': json('IssuedToken', { token: str, record: { $ref: '#/components/schemas/Token' } }),
          ...errors,
        },
      },
    },
    '/auth/v1/tokens/{id}/revoke': {
      post: {
        tags: tag,
        summary: 'Revoke a token at once',
        operationId: 'revokeToken',
        parameters: [path('id')],
        responses: { '200': json('the revoked Token record'), ...errors },
      },
    },
    '/audit/v1/verify': {
      get: {
        tags: tag,
        summary: 'Verify the audit chain; names the first bad record',
        operationId: 'verifyAudit',
        responses: {
          '200': json('AuditVerification', {
            ok: { type: 'boolean' },
            records: { type: 'integer' },
            index: { type: 'integer' },
            reason: str,
          }),
          ...errors,
        },
      },
    },
    '/audit/v1/export': {
      get: {
        tags: tag,
        summary: 'Audit records as JSON lines',
        operationId: 'exportAudit',
        parameters: ['since', 'until'].map((name) => ({
          name,
          in: 'query',
          required: false,
          schema: { type: 'string', format: 'date-time' },
        })),
        responses: {
          '200': { description: 'one record per line', content: { 'application/x-ndjson': {} } },
          ...errors,
        },
      },
    },
    '/auth/v1/audit/keys': {
      get: {
        tags: tag,
        summary: 'Public keys that verify audit records and exports (no authentication)',
        operationId: 'getAuditKeys',
        security: [],
        responses: { '200': json('AuditKeys', { keys: { type: 'array', items: { type: 'object' } } }), ...errors },
      },
    },
    '/auth/v1/signing-keys/rotate': {
      post: {
        tags: tag,
        summary: 'New token-signing key; earlier tokens verify until they expire (admin)',
        operationId: 'rotateSigningKey',
        responses: {
          '200': json('SigningKeyRotation', {
            keyId: str,
            keys: { type: 'array', items: str },
            retired: { type: 'array', items: str },
          }),
          ...errors,
        },
      },
    },
    '/secrets/v1/rotate-key': {
      post: {
        tags: tag,
        summary: 'New key-encryption key; every Secret re-encrypted (admin)',
        operationId: 'rotateSecretKey',
        responses: { '200': json('SecretKeyRotation', { keyId: str, reencrypted: { type: 'integer' } }), ...errors },
      },
    },
    '/agent/v1/bootstrap': {
      post: {
        tags: ['Agent'],
        summary: 'Exchange a single-use bootstrap token (Authorization: Bearer) for a site-bound agent credential',
        operationId: 'exchangeBootstrap',
        security: [],
        responses: {
          '201': json('AgentCredential', { token: str, site: str, tokenId: str, expiresAt: str }),
          ...errors,
        },
      },
    },
    '/agent/v1/peers': {
      get: {
        tags: ['Agent'],
        summary: "Other sites' agents and their advertised probe addresses (for RTT)",
        operationId: 'listAgentPeers',
        responses: {
          '200': json('AgentPeers', {
            peers: { type: 'array', items: { type: 'object', properties: { site: str, address: str } } },
          }),
          ...errors,
        },
      },
    },
    '/gw/{namespace}/{deployment}/{path}': {
      get: {
        tags: ['Gateway'],
        summary:
          "Forward to the nearest ready replica of the deployment's exposed component for the caller's user area " +
          '(any method and WebSocket; `~component/` selects another; X-Continuum-Area overrides the area). The app ' +
          'gets X-Continuum-Identity (JWS, keys at /auth/v1/gateway/keys), never Authorization or Cookie (ADR 0012)',
        operationId: 'gateway',
        parameters: [path('namespace'), path('deployment'), path('path')],
        responses: {
          '200': { description: "the application's answer" },
          '400': { description: 'path would leave the workload origin, or unknown X-Continuum-Area' },
          '503': { description: 'no ready replica could be reached' },
          ...errors,
        },
      },
    },
    '/auth/v1/gateway/keys': {
      get: {
        tags: ['Gateway'],
        summary: 'JWKS of the keys that sign X-Continuum-Identity (public)',
        operationId: 'gatewayKeys',
        security: [],
        responses: { '200': { description: 'a JSON Web Key Set' } },
      },
    },
    '/agent/v1/workloads/{namespace}/{name}/env': {
      get: {
        tags: ['Agent'],
        summary: "A workload's env with secretKeyRef resolved (the agent of its site)",
        operationId: 'readWorkloadEnv',
        parameters: [path('namespace'), path('name')],
        responses: {
          '200': json('WorkloadEnv', {
            env: { type: 'array', items: { type: 'object', properties: { name: str, value: str } } },
          }),
          ...errors,
        },
      },
    },
  };
}

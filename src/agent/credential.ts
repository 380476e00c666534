// The one place where the agent turns the token it was given into the credential it calls the control plane with.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exchangeBootstrap, tokenPurpose, type AgentCredential } from './credential-client.js';

export interface CredentialRequest {
  server: string;
  /** The token given on the command line: a single-use bootstrap token, or an access token used as is. */
  token: string;
  site: string;
  /** The agent's state directory, where the site-bound credential is kept across restarts. */
  stateDir: string;
  ca?: string | Buffer;
  now?: () => Date;
}

/** Saved credentials are replaced this long before they expire. */
const RENEW_MARGIN_MS = 60_000;

const credentialFile = (stateDir: string): string => join(stateDir, 'credential.json');

/** The credential saved by an earlier exchange for this site, when it is still valid. */
export function savedCredential(stateDir: string, site: string, now = new Date()): AgentCredential | undefined {
  const file = credentialFile(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as AgentCredential;
    if (c.site !== site || typeof c.token !== 'string') return undefined;
    if (Date.parse(c.expiresAt) - RENEW_MARGIN_MS <= now.getTime()) return undefined;
    return c;
  } catch {
    return undefined;
  }
}

function save(stateDir: string, c: AgentCredential): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const tmp = `${credentialFile(stateDir)}.tmp`;
  writeFileSync(tmp, JSON.stringify(c), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, credentialFile(stateDir));
}

/**
 * Returns the bearer token the agent uses. A saved, still valid site-bound credential wins; otherwise a
 * bootstrap token is exchanged once (single use) and the resulting credential saved (0600) before use,
 * so a restarted agent never needs the consumed bootstrap token again. Any other token is used as is.
 * Called on every (re)connection.
 */
export async function obtainCredential(req: CredentialRequest): Promise<string> {
  const now = req.now?.() ?? new Date();
  const saved = savedCredential(req.stateDir, req.site, now);
  if (saved) return saved.token;
  if (tokenPurpose(req.token) !== 'bootstrap') return req.token;
  const cred = await exchangeBootstrap(req.server, req.token, { ca: req.ca });
  if (cred.site !== req.site) throw new Error(`the bootstrap token is for site ${cred.site}, not ${req.site}`);
  save(req.stateDir, cred);
  return cred.token;
}

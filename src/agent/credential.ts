// The one place where the agent turns the token it was given into the credential it calls the control plane with.

export interface CredentialRequest {
  server: string;
  /** The token given on the command line (today: used as is; later: a single-use bootstrap token). */
  token: string;
  site: string;
  /** The agent's state directory, where a site-bound credential can be kept across restarts. */
  stateDir: string;
}

/**
 * Returns the bearer token the agent uses. For now this is the given token itself. The security wiring
 * replaces only this function: exchange a bootstrap token once for a site-bound credential, keep that in
 * `stateDir` and return it (a restarted agent then reuses it instead of the already-consumed bootstrap token).
 * It is called on every (re)connection, so it may also renew a credential.
 */
export function obtainCredential(req: CredentialRequest): Promise<string> {
  return Promise.resolve(req.token);
}

// Maps jose verification failures and header checks to the API's precise 401 error codes.
import { decodeProtectedHeader, errors, type ProtectedHeaderParameters } from 'jose';
import { ApiError } from '../model/index.js';

/**
 * Turns any error thrown by jose while verifying a JWT into an ApiError: TokenExpired,
 * TokenNotYetValid, Unavailable (key set unreachable) or TokenInvalid (everything else).
 * ApiErrors pass through unchanged. `who` names the verifier in messages ("built-in", an issuer URL).
 */
export function joseToApiError(err: unknown, who: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof errors.JWTExpired) return new ApiError('TokenExpired', `token expired (${who})`);
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'nbf':
        return new ApiError('TokenNotYetValid', `token not valid yet (nbf is in the future) (${who})`);
      case 'iat':
        return new ApiError(
          err.reason === 'check_failed' ? 'TokenNotYetValid' : 'TokenInvalid',
          `token issued-at claim rejected (${who})`,
        );
      case 'iss':
        return new ApiError('TokenInvalid', `wrong issuer (${who})`);
      case 'aud':
        return new ApiError('TokenInvalid', `wrong audience (${who})`);
      default:
        return new ApiError(
          'TokenInvalid',
          `claim ${err.claim} ${err.reason === 'missing' ? 'missing' : 'invalid'} (${who})`,
        );
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new ApiError('TokenInvalid', `signing algorithm not accepted (${who})`);
  if (err instanceof errors.JWKSNoMatchingKey) return new ApiError('TokenInvalid', `unknown key id (${who})`);
  if (err instanceof errors.JWKSMultipleMatchingKeys) return new ApiError('TokenInvalid', `ambiguous key id (${who})`);
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new ApiError('TokenInvalid', `bad signature (${who})`);
  if (err instanceof errors.JWKSTimeout) return new ApiError('Unavailable', `key set of ${who} did not answer in time`);
  if (err instanceof errors.JWKSInvalid) return new ApiError('Unavailable', `key set of ${who} is invalid`);
  if (err instanceof errors.JOSEError) return new ApiError('TokenInvalid', `malformed token (${who})`);
  // createRemoteJWKSet surfaces network failures as plain errors.
  if (
    err instanceof Error &&
    /fetch|ECONNREFUSED|ENOTFOUND|network/i.test(`${err.message} ${String((err as { cause?: unknown }).cause ?? '')}`)
  ) {
    return new ApiError('Unavailable', `key set of ${who} is unreachable`);
  }
  return new ApiError('TokenInvalid', `token rejected (${who})`);
}

/**
 * Reads the protected header without trusting it and enforces the algorithm allow-list before any
 * key is touched: `alg: none`, HMAC algorithms (the classic public-key-as-HMAC-secret confusion) and
 * anything not in `allowed` are rejected; a key id is required when `requireKid`.
 */
export function checkHeader(
  jwt: string,
  allowed: readonly string[],
  who: string,
  requireKid: boolean,
): ProtectedHeaderParameters {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw new ApiError('TokenInvalid', `malformed token (${who})`);
  }
  if (jwt.split('.').length !== 3) throw new ApiError('TokenInvalid', `malformed token: not a compact JWS (${who})`);
  const alg = header.alg;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none')
    throw new ApiError('TokenInvalid', `unsigned token (alg none) rejected (${who})`);
  if (/^HS/i.test(alg))
    throw new ApiError('TokenInvalid', `symmetric algorithm ${alg} rejected (algorithm confusion) (${who})`);
  if (!allowed.includes(alg)) throw new ApiError('TokenInvalid', `signing algorithm ${alg} not accepted (${who})`);
  if (header.crit !== undefined)
    throw new ApiError('TokenInvalid', `critical header parameters not supported (${who})`);
  if (requireKid && (typeof header.kid !== 'string' || header.kid === ''))
    throw new ApiError('TokenInvalid', `missing key id (${who})`);
  return header;
}

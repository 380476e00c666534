// Redaction helpers: keep bearer tokens, secret values and credential-looking fields out of logs and audit records.

export const REDACTED = '[REDACTED]';

const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9\-_.~+/=]+/gi;
const KEY_VALUE =
  /\b(password|passwd|secret|token|api[-_]?key|private[-_]?key|client[-_]?secret|authorization)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi;
const SENSITIVE_KEY =
  /^(password|passwd|secret|token|apikey|api[-_]key|privatekey|private[-_]key|clientsecret|client[-_]secret|authorization|cookie|set-cookie|stringdata|data|encrypted)$/i;

/** Masks JWTs, Authorization header values and "password=…"-style pairs in free text. */
export function redactText(text: string): string {
  return text.replace(JWT, `${REDACTED}-JWT`).replace(BEARER, `$1 ${REDACTED}`).replace(KEY_VALUE, `$1$2${REDACTED}`);
}

/**
 * A deep copy of `value` safe to log: values under credential-like keys (including a Secret's
 * `data`, `stringData` and `encrypted`) are replaced by REDACTED and all strings pass redactText.
 * Cycles and depth beyond 32 are cut.
 */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 32 || seen.has(value)) return REDACTED;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE_KEY.test(k) ? REDACTED : redact(v, depth + 1, seen);
  return out;
}

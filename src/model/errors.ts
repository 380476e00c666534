// The one error catalogue: every API failure has a stable code mapped to an HTTP status and title.

export const ERROR_CATALOGUE = {
  BadRequest: { status: 400, title: 'Bad request' },
  MalformedBody: { status: 400, title: 'Malformed request body' },
  InvalidSelector: { status: 400, title: 'Invalid selector' },
  Unauthorized: { status: 401, title: 'Authentication required' },
  TokenExpired: { status: 401, title: 'Token expired' },
  TokenNotYetValid: { status: 401, title: 'Token not yet valid' },
  TokenInvalid: { status: 401, title: 'Token invalid' },
  TokenRevoked: { status: 401, title: 'Token revoked' },
  Forbidden: { status: 403, title: 'Forbidden' },
  QuotaExceeded: { status: 403, title: 'Quota exceeded' },
  NotFound: { status: 404, title: 'Not found' },
  IdentifierNotFound: { status: 404, title: 'Device identifier not found' },
  MethodNotAllowed: { status: 405, title: 'Method not allowed' },
  NotAcceptable: { status: 406, title: 'Not acceptable' },
  AlreadyExists: { status: 409, title: 'Already exists' },
  Conflict: { status: 409, title: 'Conflict' },
  IncompatibleState: { status: 409, title: 'Incompatible state' },
  Gone: { status: 410, title: 'Resource version too old' },
  PayloadTooLarge: { status: 413, title: 'Payload too large' },
  UnsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  Invalid: { status: 422, title: 'Invalid object' },
  Unplaceable: { status: 422, title: 'No site satisfies the requirements' },
  MissingIdentifier: { status: 422, title: 'Device identifier missing' },
  UnsupportedIdentifier: { status: 422, title: 'Device identifier not supported' },
  ServiceNotApplicable: { status: 422, title: 'Service not applicable to the device' },
  TooManyRequests: { status: 429, title: 'Too many requests' },
  HeaderFieldsTooLarge: { status: 431, title: 'Request header fields too large' },
  Internal: { status: 500, title: 'Internal error' },
  NotImplemented: { status: 501, title: 'Not implemented' },
  Unavailable: { status: 503, title: 'Service unavailable' },
  Timeout: { status: 504, title: 'Timeout' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldError {
  /** Dotted path into the object, e.g. "spec.components[0].name". */
  field: string;
  message: string;
  /** A machine-readable cause (Kubernetes' StatusCause.reason, e.g. FieldManagerConflict), when more precise than the code. */
  reason?: string;
}

/** Thrown anywhere; rendered to application/problem+json at the HTTP boundary. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[];
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, detail: string, errors: FieldError[] = [], headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.errors = errors;
    this.headers = headers;
  }

  get title(): string {
    return ERROR_CATALOGUE[this.code].title;
  }
}

export const isApiError = (e: unknown, code?: ErrorCode): e is ApiError =>
  e instanceof ApiError && (code === undefined || e.code === code);

/** RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  instance?: string;
  requestId?: string;
}

export function toProblem(err: ApiError, requestId?: string, instance?: string): Problem {
  return {
    type: `https://continuum.eu/problems/${err.code}`,
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(err.errors.length ? { errors: err.errors } : {}),
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

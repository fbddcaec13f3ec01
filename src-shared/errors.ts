/**
 * The error codes of the v1 API, with the HTTP status each one is sent with.
 * Shared so the UI can branch on codes and the OpenAPI document lists them all.
 */
export const ERROR_CODES = {
  UNAUTHORIZED: { status: 401, description: 'No Authorization header, or one that is not "Bearer qrd_…".' },
  INVALID_API_KEY: { status: 401, description: 'The key is well formed but unknown.' },
  API_KEY_REVOKED: { status: 401, description: 'The key was revoked.' },
  API_KEY_EXPIRED: { status: 401, description: 'The key is past its expiry time.' },
  FORBIDDEN: {
    status: 403,
    description: 'The key lacks the scope this operation needs, or the request came from a foreign origin.',
  },
  VALIDATION_ERROR: { status: 400, description: 'A parameter or body field is invalid; `details` names each one.' },
  INVALID_BODY: {
    status: 400,
    description: 'The request body is not valid JSON (or not a readable multipart upload).',
  },
  INVALID_CURSOR: { status: 400, description: 'The pagination cursor is malformed.' },
  NOT_FOUND: { status: 404, description: 'No such resource or route.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The route exists but not with this method.' },
  CONFLICT: { status: 409, description: 'The request conflicts with the current state.' },
  IDEMPOTENCY_CONFLICT: { status: 409, description: 'The Idempotency-Key was used before with a different body.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The request body is over the size limit.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'The request body is not of a type this operation takes: JSON, or for uploads an image file.',
  },
  RATE_LIMITED: {
    status: 429,
    description: 'The per-minute limit or the daily cap of the key is reached; see Retry-After.',
  },
  INSUFFICIENT_STORAGE: {
    status: 507,
    description:
      'The disk that holds the data folder is full: the request changed nothing. Free some space and send it again.',
  },
  INTERNAL_ERROR: {
    status: 500,
    description: 'An unexpected error; the server log has the details under the request id.',
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** The codes sent with an HTTP status, most general first. */
export const codesForStatus = (status: number): ErrorCode[] =>
  ERROR_CODE_LIST.filter((code) => ERROR_CODES[code].status === status);

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}

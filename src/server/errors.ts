/** Stable codes of the errors the sync server answers with (in `{ error: { code, message } }`). */
export type SyncServerErrorCode =
  | 'bad-request'
  | 'malformed-json'
  | 'body-too-large'
  | 'batch-too-large'
  | 'unauthorized'
  | 'unknown-collection'
  | 'not-found'
  | 'conflict'
  | 'version-mismatch'
  | 'validation-failed'
  | 'idempotency-mismatch'
  | 'cursor-ahead'
  | 'server-error'
  | 'operation-failed'

/**
 * An error the server answers with: an HTTP status and a stable code, sent as
 * `{ error: { code, message } }`. Thrown inside the server to refuse a request or an operation.
 */
export class SyncServerError extends Error {
  override name = 'SyncServerError'
  readonly code: SyncServerErrorCode
  readonly status: number

  constructor(status: number, code: SyncServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.status = status
    this.code = code
  }

  /** The JSON body of the answer. */
  toBody(): { error: { code: SyncServerErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } }
  }
}

/** A request or operation that is not well formed (400): what is wrong and what to send instead. */
export class SyncServerBadRequestError extends SyncServerError {
  override name = 'SyncServerBadRequestError'
  constructor(message: string, code: SyncServerErrorCode = 'bad-request') {
    super(400, code, message)
  }
}

/**
 * An idempotency key used again with another request (422 `idempotency-mismatch`): a key names one
 * operation, so the second request is refused and nothing is written.
 */
export class SyncServerIdempotencyError extends SyncServerError {
  override name = 'SyncServerIdempotencyError'
  constructor(key: string) {
    super(
      422,
      'idempotency-mismatch',
      `The idempotency key "${key}" was used before for another operation; a key names one operation. Send this change with a new key.`,
    )
  }
}

/** A record that fails its collection's schema (422 `validation-failed`); nothing is written. */
export class SyncServerValidationError extends SyncServerError {
  override name = 'SyncServerValidationError'
  /** The Standard Schema issues. */
  readonly issues: ReadonlyArray<{ message: string }>
  constructor(message: string, issues: ReadonlyArray<{ message: string }>) {
    super(422, 'validation-failed', message)
    this.issues = issues
  }
}

/** Turns anything thrown while answering into the error to answer with (unknown ones are 500). */
export function toServerError(error: unknown): SyncServerError {
  if (error instanceof SyncServerError) return error
  return new SyncServerError(500, 'server-error', 'The server failed while answering; nothing was written. Try again later.', { cause: error })
}

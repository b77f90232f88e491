/**
 * The library's error classes. Each has a stable `code` that apps can switch on; what goes into the
 * store is the plain, serialisable {@link SyncErrorInfo} made by {@link toErrorInfo}.
 */

/** Stable codes of the errors rtk-offline raises or stores. */
export type SyncErrorCode =
  | 'validation-failed'
  | 'network-error'
  | 'timeout'
  | 'http-error'
  | 'rejected'
  | 'auth-required'
  | 'adapter-failed'
  | 'invalid-response'
  | 'max-attempts-exceeded'
  | 'dependency-failed'
  | 'setup'
  | 'storage-failed'
  | 'storage-version-newer'
  | 'decryption-failed'
  | 'unknown'

/** A serialisable description of an error, as kept in the store (`lastError`, failures). */
export interface SyncErrorInfo {
  name: string
  message: string
  code: SyncErrorCode | (string & {})
  /** The HTTP status, when the error came from an HTTP response. */
  status?: number
}

/** Base class of every error rtk-offline throws. */
export class SyncError extends Error {
  override name = 'SyncError'
  readonly code: SyncErrorCode
  readonly status: number | undefined

  constructor(code: SyncErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = options?.status
  }

  /** The plain form kept in the store. */
  toInfo(): SyncErrorInfo {
    return toErrorInfo(this)
  }
}

/**
 * Thrown by `dispatch` when an entity action carries bad input: an unknown entity, a missing id, a
 * Standard Schema failure or data that is not serialisable. Nothing is applied and nothing is queued.
 */
export class SyncValidationError extends SyncError {
  override name = 'SyncValidationError'
  /** The entity the action was for. */
  readonly entity: string
  /** The record id, when one could be read. */
  readonly recordId: string | number | undefined
  /** Standard Schema issues, when a schema failed. */
  readonly issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }>

  constructor(
    entity: string,
    recordId: string | number | undefined,
    problem: string,
    issues: SyncValidationError['issues'] = [],
  ) {
    const where = recordId === undefined ? `"${entity}"` : `"${entity}" record ${JSON.stringify(recordId)}`
    super('validation-failed', `rtk-offline: ${where}: ${problem}`)
    this.entity = entity
    this.recordId = recordId
    this.issues = issues
  }
}

/** A request could not reach the backend (fetch threw, the connection dropped). Transient. */
export class SyncNetworkError extends SyncError {
  override name = 'SyncNetworkError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('network-error', message, options)
  }
}

/** A request took longer than `requestTimeoutMs`. Transient. */
export class SyncTimeoutError extends SyncError {
  override name = 'SyncTimeoutError'
  constructor(timeoutMs: number) {
    super('timeout', `The backend did not answer within ${timeoutMs} ms; the operation will be retried.`)
  }
}

/** The backend answered with an HTTP error status. */
export class SyncHttpError extends SyncError {
  override name = 'SyncHttpError'
  constructor(status: number, message: string) {
    super('http-error', message, { status })
  }
}

/** The adapter threw or broke its contract (for example returned the wrong number of outcomes). */
export class SyncAdapterError extends SyncError {
  override name = 'SyncAdapterError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('adapter-failed', message, options)
  }
}

/**
 * The backend answered with a body that is not what the request expects: a success whose body is
 * HTML (a captive portal, a proxy's login page), text that is not JSON, or another record. The change
 * may never have reached the backend, so it is a transient failure: retried, and shown in `lastError`.
 */
export class SyncInvalidResponseError extends SyncError {
  override name = 'SyncInvalidResponseError'
  constructor(message: string, options?: { status?: number }) {
    super('invalid-response', message, options)
  }
}

/**
 * A programmer error: a bad option, or the store not set up the way rtk-offline needs (a slice not
 * mounted, the middleware missing). Every entry throws this one class for a setup or usage mistake.
 */
export class SyncSetupError extends SyncError {
  override name = 'SyncSetupError'
  constructor(message: string) {
    super('setup', `rtk-offline: ${message}`)
  }
}

/**
 * Storage cannot be used: it throws, or it holds data from a newer version of the app. Nothing is
 * written while this stands, so what storage holds is left as it was.
 */
export class SyncStorageError extends SyncError {
  override name = 'SyncStorageError'
  constructor(code: 'storage-failed' | 'storage-version-newer', message: string, options?: { cause?: unknown }) {
    super(code, `rtk-offline: ${message}`, options)
  }
}

/** Turns anything thrown into the plain, serialisable form kept in the store. */
export function toErrorInfo(error: unknown): SyncErrorInfo {
  if (error instanceof SyncError) {
    const info: SyncErrorInfo = { name: error.name, message: error.message, code: error.code }
    if (error.status !== undefined) info.status = error.status
    return info
  }
  if (error instanceof Error) return { name: error.name, message: error.message, code: 'unknown' }
  return { name: 'Error', message: String(error), code: 'unknown' }
}

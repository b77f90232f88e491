/** The HTTP status an effect's error carries (`status`, as redux-offline's NetworkError and SyncHttpError have), if any. */
export function statusOf(error: unknown): number | undefined {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined
}

/** 401 and 403: credentials are needed, which the default policy leaves to the engine's auth pause. */
export const needsCredentials = (status: number | undefined): boolean => status === 401 || status === 403

/**
 * The default `discard`: give up a client error (4xx) except the transient ones (408 Request Timeout,
 * 425 Too Early, 429 Too Many Requests), as the engine does; try everything else again. redux-offline's own
 * default also gives up any error without a status, which includes a fetch that failed because the device
 * was in fact offline: here that is tried again, so no queued work is dropped for a flaky network.
 */
export function defaultDiscard(error: unknown): boolean {
  const status = statusOf(error)
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429
}

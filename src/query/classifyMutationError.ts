import type { SyncErrorInfo } from 'rtk-offline'
import type { MutationErrorKind } from './types'

/** The `status` of an RTK Query error: a number (HTTP) or fetchBaseQuery's string kinds (`'FETCH_ERROR'`, …). */
function statusOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined
}

/**
 * The default {@link OfflineMutationsOptions.classifyError}: what fetchBaseQuery's errors mean to the outbox.
 * A request that got no answer (`FETCH_ERROR`, `TIMEOUT_ERROR`) and the transient statuses (408, 425, 429,
 * 5xx) are tried again, so a flaky network never drops a queued mutation; 401 and 403 pause sending for
 * credentials; every other error is the endpoint's own refusal. A `PARSING_ERROR` follows the status the
 * server answered with, but a 2xx whose body cannot be read is tried again under the same key, as the REST
 * adapter does with such an answer: a captive portal or a proxy answers so, and a server that did apply
 * the change answers its stored result. 409 and 412 are refusals too: a queued mutation has no record to
 * merge, so there is no conflict strategy to run, and the endpoint's error is what the app shows.
 */
export function classifyMutationError(error: unknown): MutationErrorKind {
  const status = statusOf(error)
  const code = status === 'PARSING_ERROR' ? (error as { originalStatus?: unknown }).originalStatus : status
  if (status === 'FETCH_ERROR' || status === 'TIMEOUT_ERROR') return 'retry'
  if (typeof code !== 'number') return 'reject'
  if (status === 'PARSING_ERROR' && code >= 200 && code < 300) return 'retry'
  if (code === 401 || code === 403) return 'auth'
  return code === 408 || code === 425 || code === 429 || code >= 500 ? 'retry' : 'reject'
}

/** A stored description of an RTK Query error (its `status` kept when it is an HTTP status). */
export function mutationErrorInfo(error: unknown, kind: MutationErrorKind): SyncErrorInfo {
  const status = statusOf(error)
  const httpStatus = typeof status === 'number' ? status : (error as { originalStatus?: unknown } | null)?.originalStatus
  const code = kind === 'auth' ? 'auth-required' : kind === 'reject' ? 'rejected' : status === 'TIMEOUT_ERROR' ? 'timeout' : typeof httpStatus === 'number' ? 'http-error' : 'network-error'
  const message =
    typeof httpStatus === 'number'
      ? `The server answered ${httpStatus}.`
      : typeof status === 'string'
        ? `The mutation failed: ${status}.`
        : `The mutation failed: ${String((error as { message?: unknown } | null)?.message ?? 'unknown error')}.`
  return { name: 'SyncMutationError', message, code, ...(typeof httpStatus === 'number' ? { status: httpStatus } : {}) }
}

import type { SyncErrorInfo } from '../../core/errors'
import type { OperationKind } from '../../types'
import type { SyncOutcome } from '../types'
import { parseRetryAfter } from './retryAfter'

/**
 * The outcome an HTTP status that is neither a success (2xx) nor a conflict (409, 412) means for one
 * operation, the same for a whole REST response, for one result of a batch push and for a whole push
 * request (as if for a create), as in the table of docs/sync-protocol.md: a delete of a record that is
 * not there (404, 410) is done, an update of one is a conflict with null; 408, 425, 429 and 5xx retry
 * (not before `Retry-After`); 401 and 403 need credentials; any other status is a permanent `reject`.
 * `error` is what a retry, `auth` or `reject` carries. A success or a conflict has a body the caller
 * must read and check first.
 */
export function statusOutcome(status: number, kind: OperationKind, error: SyncErrorInfo, headers: Headers, now: number): SyncOutcome {
  if ((status === 404 || status === 410) && kind !== 'create') return kind === 'delete' ? { type: 'ok' } : { type: 'conflict', remote: null }
  if (status === 408 || status === 425 || status === 429 || status >= 500) return retryOutcome(error, headers, now)
  return { type: status === 401 || status === 403 ? 'auth' : 'reject', error }
}

/** A retry, not before the response's `Retry-After` when it has one that can be read. */
export function retryOutcome(error: SyncErrorInfo, headers: Headers, now: number): SyncOutcome {
  const retryAfterMs = parseRetryAfter(headers.get('Retry-After'), now)
  return retryAfterMs === undefined ? { type: 'retry', error } : { type: 'retry', error, retryAfterMs }
}

import type { SyncErrorInfo } from '../../core/errors'
import type { OperationKind } from '../../types'
import type { SyncOutcome } from '../types'
import { parseRetryAfter } from './retryAfter'

/**
 * What an HTTP status says about one operation, the same for a whole REST response and for one result
 * of a batch push (docs/sync-protocol.md):
 * - `applied`: 2xx; the body (or result) must still be checked before it is trusted;
 * - `already-gone`: a delete of a record that is not there (404, 410): done;
 * - `gone`: an update of a record that is not there (404, 410): a conflict with null;
 * - `conflict`: 409, 412;
 * - `retry`: transient (408, 425, 429, 5xx);
 * - `auth`: 401, 403;
 * - `reject`: any other status (permanent).
 */
export type StatusMeaning = 'applied' | 'already-gone' | 'gone' | 'conflict' | 'retry' | 'auth' | 'reject'

export function statusMeaning(status: number, kind: OperationKind): StatusMeaning {
  if (status >= 200 && status < 300) return 'applied'
  if ((status === 404 || status === 410) && kind === 'delete') return 'already-gone'
  if ((status === 404 || status === 410) && kind === 'update') return 'gone'
  if (status === 409 || status === 412) return 'conflict'
  if (isTransient(status)) return 'retry'
  if (status === 401 || status === 403) return 'auth'
  return 'reject'
}

/** 408, 425, 429 and 5xx: worth trying again later. */
export function isTransient(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500
}

/** A retry, not before the response's `Retry-After` when it has one that can be read. */
export function retryOutcome(error: SyncErrorInfo, headers: Headers, now: number): SyncOutcome {
  const retryAfterMs = parseRetryAfter(headers.get('Retry-After'), now)
  return retryAfterMs === undefined ? { type: 'retry', error } : { type: 'retry', error, retryAfterMs }
}

import { SyncHttpError, toErrorInfo } from '../../core/errors'
import { isJsonObject, type JsonObject } from '../../core/mergePatch'
import type { OperationKind } from '../../types'
import type { SyncOutcome } from '../types'
import { jsonErrorMessage } from '../http/httpError'
import { statusOutcome } from '../http/statusOutcome'

/** One result of a push (`results[i]`) or of a pull's `answered`, its shape checked. */
export interface ProtocolResult {
  id: string
  status: number
  /** Left out when the result has none; null for "no record" (a 412 on a deleted record). */
  record?: JsonObject | null
  /** The result itself, for the server's error message. */
  body: JsonObject
}

/** What the outcome is about: the operation's kind (unknown for an `answered` entry) and how to check its record. */
export interface ResultTarget {
  kind: OperationKind | undefined
  /** The record when it is the operation's, `undefined` when it carries no id, else what it is instead. */
  identify: (record: JsonObject) => JsonObject | string | undefined
  /** Names the operation in messages: `POST /sync/push: the update of todos "t2"`. */
  what: string
  /** The whole response's headers, for a `Retry-After`. */
  headers: Headers
  now: number
}

/**
 * Durability invariant 5 (nothing trusted): reads one result `{ id, status, record?, error? }`; returns
 * what is wrong with it as a string when it is not one.
 */
export function readResult(value: unknown): ProtocolResult | string {
  if (!isJsonObject(value)) return `a result that is not an object (${value === null ? 'null' : typeof value})`
  const { id, status, record } = value
  if (typeof id !== 'string') return 'a result without a string `id`'
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return `a result whose \`status\` is not an HTTP status (${JSON.stringify(status) ?? 'missing'})`
  if (record !== undefined && record !== null && !isJsonObject(record)) return 'a result whose `record` is not an object'
  const result: ProtocolResult = { id, status, body: value }
  if (record !== undefined) result.record = record
  return result
}

/**
 * The outcome a result stands for, through the same status table as the REST adapter
 * (docs/sync-protocol.md), or what is wrong with it: a success with another record, a conflict without
 * the current record, a 404 whose meaning depends on a kind not known here.
 */
export function resultOutcome(result: ProtocolResult, target: ResultTarget): SyncOutcome | string {
  const { status } = result
  if ((status === 404 || status === 410) && target.kind === undefined) return `a ${status} for an operation of unknown kind`
  const isConflict = status === 409 || status === 412
  if (!isConflict && (status < 200 || status >= 300)) return statusOutcome(status, target.kind ?? 'create', errorOf(result, target), target.headers, target.now)
  if (isConflict) {
    if (result.record === undefined) return `a ${status} without the current record`
    if (result.record === null) return { type: 'conflict', remote: null }
    const record = target.identify(result.record)
    // The remote replaces what the client holds: it must be the record in question.
    if (typeof record === 'string') return `a ${status} with ${record} as the current record`
    if (record === undefined) return `a ${status} whose current record has no id`
    return { type: 'conflict', remote: record }
  }
  // A delete has no record to check; 204 says there is none.
  if (target.kind === 'delete' || status === 204 || result.record === undefined || result.record === null) return { type: 'ok' }
  const record = target.identify(result.record)
  if (typeof record === 'string') return `${record}, not the record it sent`
  // A record without an id is taken as the operation's but cannot replace what the client holds.
  return record === undefined ? { type: 'ok' } : { type: 'ok', record }
}

/** `POST /sync/push: the update of todos "t2" failed with 422: title is required`. */
function errorOf(result: ProtocolResult, target: ResultTarget) {
  const detail = jsonErrorMessage(result.body)
  return toErrorInfo(new SyncHttpError(result.status, `${target.what} failed with ${result.status}${detail ? `: ${detail}` : ''}`))
}

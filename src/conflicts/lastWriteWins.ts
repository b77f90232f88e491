import { SyncSetupError } from '../core/errors'
import type { ConflictResolver } from './types'

type Rec = Record<string, unknown>

/** A time in epoch milliseconds from a number or an ISO 8601 string, else null. */
export function timeOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string') {
    const parsed = Date.parse(value)
    return Number.isNaN(parsed) ? null : parsed
  }
  return null
}

/** The `updatedAtField` option: a field name, 'updatedAt' when not given. */
export function updatedAtFieldOf(factory: string, value: unknown): string {
  if (value === undefined) return 'updatedAt'
  if (typeof value !== 'string' || value === '')
    throw new SyncSetupError(`${factory}'s \`updatedAtField\` must be a field name (a non-empty string), not ${JSON.stringify(value)}.`)
  return value
}

/** Options of {@link lastWriteWins}. */
export interface LastWriteWinsOptions {
  /** The remote record's updated-at field: epoch ms or an ISO 8601 string. @default 'updatedAt' */
  updatedAtField?: string
}

/**
 * The last write wins, for the whole record: the local change goes again on top of the server's
 * record when it was made (the operation's time) after the remote record's updated-at, else the
 * server's record stands. A remote record without an updated-at, or deleted on the server, wins.
 * Clock skew between devices decides close calls.
 *
 * @example
 * ```ts
 * import { createSyncedEntity, lastWriteWins } from 'rtk-offline'
 *
 * const notes = createSyncedEntity<Note>({ name: 'notes', conflict: lastWriteWins({ updatedAtField: 'modifiedAt' }) })
 * ```
 */
export function lastWriteWins<TRecord = Rec>(options: LastWriteWinsOptions = {}): ConflictResolver<TRecord> {
  const updatedAtField = updatedAtFieldOf('lastWriteWins', options.updatedAtField)
  return ({ remote, op }) => {
    // The remote side's time comes from its updated-at field; a record deleted remotely has none, so the
    // server's deletion stands.
    const remoteTime = remote === null ? null : timeOf((remote as unknown as Rec)[updatedAtField])
    return { choose: remoteTime !== null && op.enqueuedAt > remoteTime ? 'local' : 'remote' }
  }
}

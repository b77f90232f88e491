import { isReduxOfflineAction } from './createReduxOffline'
import type { ReduxOfflineAction } from './types'

/**
 * How redux-persist held redux-offline's state under one key:
 * - `v4`: redux-persist 4 (what redux-offline 2.x uses by default), one key per top-level slice,
 *   `reduxPersist:offline` = the JSON of the whole `offline` state.
 * - `v5-root`: redux-persist 5+ `persistReducer` on the root reducer (redux-offline's "usage with
 *   redux-persist v5" recipe), `persist:<key>` = a JSON object whose values are each slice's JSON, one of
 *   them `offline`; the other slices are the app's and stay.
 * - `v5-slice`: `persistReducer` on the `offline` reducer itself, `persist:<key>` = a JSON object whose
 *   values are the JSON of each field of the offline state (`outbox` among them).
 */
export type PersistedFormat = 'v4' | 'v5-root' | 'v5-slice'

/** What a persisted redux-offline state held. */
export interface PersistedOutbox {
  format: PersistedFormat
  /** The queued actions, oldest first, with the index each had in the outbox. */
  actions: Array<{ action: ReduxOfflineAction; index: number }>
  /** Entries of the outbox that are not redux-offline actions (no `type` or no `meta.offline.effect`). */
  invalid: unknown[]
  /** The value to store once the outbox is imported: null removes the key (the whole value was redux-offline's). */
  remainder: string | null
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Parses a JSON string, or undefined when it is not one. */
function parse(raw: unknown): unknown {
  if (typeof raw !== 'string') return undefined
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return undefined
  }
}

/**
 * Reads a value redux-persist stored for redux-offline. Returns null when it is none of the known
 * formats (the caller leaves it alone and says so), 'absent' for a redux-persist 5 value without it.
 */
export function readPersistedOutbox(raw: string): PersistedOutbox | 'absent' | null {
  const value = parse(raw)
  if (!isObject(value)) return null
  // redux-persist 5's value of the app's other slices: the offline field is gone (imported already).
  if (!('outbox' in value) && !('offline' in value) && typeof value._persist === 'string') return 'absent'
  let format: PersistedFormat
  let outbox: unknown
  let remainder: string | null = null
  if (Array.isArray(value.outbox)) {
    format = 'v4'
    outbox = value.outbox
  } else if (typeof value.outbox === 'string') {
    format = 'v5-slice'
    outbox = parse(value.outbox)
  } else if (typeof value.offline === 'string') {
    format = 'v5-root'
    const offline = parse(value.offline)
    if (!isObject(offline)) return null
    outbox = offline.outbox
    const { offline: _gone, ...rest } = value
    remainder = JSON.stringify(rest)
  } else return null
  if (!Array.isArray(outbox)) return null
  const actions: PersistedOutbox['actions'] = []
  const invalid: unknown[] = []
  outbox.forEach((entry, index) => {
    if (isReduxOfflineAction(entry) && typeof (entry as { type?: unknown }).type === 'string') actions.push({ action: entry, index })
    else invalid.push(entry)
  })
  return { format, actions, invalid, remainder }
}

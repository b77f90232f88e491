import { storageCorrupted, storageFailed } from '../actions'
import type { SyncCase } from './syncCase'
import { on } from './syncCase'

/** Storage health (`state.storage`): stored values found unusable and moved aside, and why storage cannot be used, if so. */
export function storageHealthCases(): SyncCase[] {
  return [
    on(storageCorrupted, (state, { payload }) => {
      state.storage.problems.push(payload)
    }),
    on(storageFailed, (state, { payload }) => {
      state.storage.error = payload
    }),
  ]
}

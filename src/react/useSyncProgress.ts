import { useCallback, useSyncExternalStore } from 'react'
import { useStore } from 'react-redux'
import { createProgressTracker } from './createProgressTracker'
import type { SyncProgress, SyncReader } from './types'
import { useSyncReader } from './useSyncReader'

type AnyStore = ReturnType<typeof useStore>

// One tracker per store and reader, so every component shows the same run.
const trackers = new WeakMap<AnyStore, WeakMap<SyncReader, ReturnType<typeof createProgressTracker>>>()

function trackerFor(store: AnyStore, reader: SyncReader) {
  let byReader = trackers.get(store)
  if (!byReader) trackers.set(store, (byReader = new WeakMap()))
  let tracker = byReader.get(reader)
  if (!tracker) byReader.set(reader, (tracker = createProgressTracker()))
  return tracker
}

/**
 * Progress of sending the outbox, for a progress bar: `{ phase, isActive, pending, inflight, done, total }`.
 * A run starts when the outbox gets work and ends when it is empty again; `total` grows as changes are
 * made during the run and `done` counts operations that left the outbox (confirmed, refused or merged away).
 * Counted from the store's changes while a component uses this hook; one mounted mid-run starts
 * counting from the pending operations it finds. Re-renders only when one of the numbers changes.
 *
 * Progress of pulling remote changes is not here yet: it comes with pull, in a later version.
 *
 * @example
 * ```tsx
 * function SyncProgressBar() {
 *   const { isActive, done, total } = useSyncProgress()
 *   if (!isActive) return null
 *   return <progress aria-label="Saving changes" max={total} value={done} />
 * }
 * ```
 */
export function useSyncProgress(): SyncProgress {
  const store = useStore()
  const reader = useSyncReader()
  const tracker = trackerFor(store, reader)
  const read = useCallback(() => tracker(reader.selectStatus(store.getState())), [tracker, reader, store])
  return useSyncExternalStore(store.subscribe, read, read)
}

import { useContext } from 'react'
import { useStore } from 'react-redux'
import { createSyncSelectors } from 'rtk-offline'
import { findSyncSlice } from './findSyncSlice'
import { OfflineSyncContext } from './OfflineSyncProvider'
import type { SyncReader } from './types'

type AnyStore = ReturnType<typeof useStore>

// One set of selectors per store (and reducerPath), so memoised selectors keep their cache across components.
const readers = new WeakMap<AnyStore, { reducerPath: string; reader: SyncReader }>()

/** The reader for a store without a provider: the sync slice is looked up once, then remembered. */
function readerForStore(store: AnyStore): SyncReader {
  const known = readers.get(store)
  if (known && known.reducerPath in (store.getState() as object)) return known.reader
  const reducerPath = findSyncSlice(store.getState())
  const reader = createSyncSelectors(reducerPath)
  readers.set(store, { reducerPath, reader })
  return reader
}

/**
 * The selectors the hooks use: those of the instance named by `OfflineSyncProvider`, else ones built
 * for the sync slice found in the react-redux store's state.
 */
export function useSyncReader(): SyncReader {
  const sync = useContext(OfflineSyncContext)
  // Called unconditionally (rules of hooks); it also gives react-redux's own error outside a <Provider>.
  const store = useStore()
  return sync ? sync.selectors : readerForStore(store)
}

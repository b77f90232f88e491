import type { SyncStorage } from 'rtk-offline/persist'
import type { RtkOffline } from '../lib/loadRtkOffline'

/**
 * The one place the benchmarks turn on rtk-offline's persistence: the durable outbox on `storage`, one
 * context (`tabs: false`). Every workload (Node and the browser page) goes through here, so a change in
 * how persistence is passed in (for example `persist: createPersistence({ storage, tabs: false })` from
 * `rtk-offline/persist`) is made once.
 */
export function rtkOfflinePersist(lib: RtkOffline, storage: SyncStorage) {
  return lib.createPersistence({ storage, tabs: false })
}

/** How the report and BENCHMARKS.md describe that setup. */
export const RTK_OFFLINE_PERSIST_SETUP = '`persist: createPersistence({ storage, tabs: false })`'

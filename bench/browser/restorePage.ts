/**
 * The page the browser restore bench loads (bundled by esbuild from dist/, see
 * bench/workloads/restoreBrowser.ts): rtk-offline with persistence on localforage in Chromium's own
 * IndexedDB, set up exactly as the Node workloads set it up (bench/contestants).
 */
import localforage from 'localforage'
import * as core from 'rtk-offline'
import * as persist from 'rtk-offline/persist'
import { createInProcessAdapter, createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { makeRecords, updateAt } from '../lib/records'

const lib = { ...core, ...persist }
const storage = () => localforage.createInstance({ name: 'rtk-offline-restore-bench' })

export interface RestoreBrowserApi {
  /** Stores `records` confirmed records and one pending update per record; resolves to the keys stored. */
  fill(records: number): Promise<{ keys: number }>
  /** Restores them in a new store: milliseconds from creating the store until `persistor.ready`. */
  restore(records: number): Promise<{ ms: number }>
  clear(): Promise<void>
}

const api: RestoreBrowserApi = {
  async fill(records) {
    const store = storage()
    await store.clear()
    const client = createRtkOfflineStore({ lib, mode: 'production', adapter: createInProcessAdapter(), todos: makeRecords('r', records), online: false, storage: store })
    await client.persistor!.ready
    client.updateMany(Array.from({ length: records }, (_, index) => updateAt('r', records, index)))
    await client.persistor!.flush()
    // Throttled writes of the entity slices (at most every 250 ms by default) land before the page goes.
    await new Promise((resolve) => setTimeout(resolve, 600))
    await client.persistor!.flush()
    client.stop()
    if (client.errors.length > 0) throw new Error(`fill: rtk-offline reported ${String(client.errors[0])}`)
    if (client.pending() !== records) throw new Error(`fill: ${client.pending()} operations pending, expected ${records}`)
    return { keys: (await store.keys()).length }
  },
  async restore(records) {
    const start = performance.now()
    const client = createRtkOfflineStore({ lib, mode: 'production', adapter: createInProcessAdapter(), todos: [], emptyView: true, online: false, storage: storage() })
    await client.persistor!.ready
    const ms = performance.now() - start
    if (client.errors.length > 0) throw new Error(`restore: rtk-offline reported ${String(client.errors[0])}`)
    if (client.pending() !== records) throw new Error(`restore: ${client.pending()} operations restored, expected ${records}`)
    for (const index of [0, records - 1]) {
      const seen = client.record(`r${index}`)?.n
      if (seen !== index) throw new Error(`restore: r${index} shows n=${String(seen)}, expected ${index}`)
    }
    await client.persistor!.flush()
    client.stop()
    return { ms }
  },
  async clear() {
    await storage().dropInstance()
  },
}

;(globalThis as { restoreBench?: RestoreBrowserApi }).restoreBench = api

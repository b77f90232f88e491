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
import { probeReads } from './restoreProbe'
import { tracePhases, type PhaseTrace } from './restorePhases'

const lib = { ...core, ...persist }
const storage = () => localforage.createInstance({ name: 'rtk-offline-restore-bench' })

export interface RestoreBrowserApi {
  /** Stores `records` confirmed records and one pending update per record; resolves to the keys stored. */
  fill(records: number): Promise<{ keys: number }>
  /**
   * Restores them in a new store: milliseconds from creating the store until `persistor.ready`. With
   * `phases`, also where the time went (restorePhases.ts; the wrappers cost a little themselves).
   */
  restore(records: number, options?: { phases?: boolean }): Promise<{ ms: number; phases?: PhaseTrace & { ready: number } }>
  clear(): Promise<void>
  /** Raw reads of what is stored, without rtk-offline (bench/profile/restoreBrowser.ts --probe): a report. */
  probe?(): Promise<string>
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
  async restore(records, options) {
    const start = performance.now()
    const trace = options?.phases ? tracePhases(start) : null
    const client = createRtkOfflineStore({ lib, mode: 'production', adapter: createInProcessAdapter(), todos: [], emptyView: true, online: false, storage: storage() })
    if (trace) {
      // Persistence dispatches on the store object it was given (read at call time): the restore's
      // `rehydrated`, with its reducers, the middleware and the subscribers, is timed here.
      const dispatch = client.store.dispatch
      client.store.dispatch = ((action: { type: string }) =>
        trace.dispatched(`dispatch ${action.type}`, () => dispatch(action as never))) as typeof dispatch
    }
    await client.persistor!.ready
    const ms = performance.now() - start
    const phases = trace ? { ...trace.stop(), ready: ms } : undefined
    if (client.errors.length > 0) throw new Error(`restore: rtk-offline reported ${String(client.errors[0])}`)
    if (client.pending() !== records) throw new Error(`restore: ${client.pending()} operations restored, expected ${records}`)
    for (const index of [0, records - 1]) {
      const seen = client.record(`r${index}`)?.n
      if (seen !== index) throw new Error(`restore: r${index} shows n=${String(seen)}, expected ${index}`)
    }
    await client.persistor!.flush()
    client.stop()
    return phases ? { ms, phases } : { ms }
  },
  probe: () => probeReads('rtk-offline-restore-bench', 'keyvaluepairs', 'rtk-offline/'),
  async clear() {
    await storage().dropInstance()
  },
}

;(globalThis as { restoreBench?: RestoreBrowserApi }).restoreBench = api

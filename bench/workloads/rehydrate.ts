import { createReduxOfflineStore } from '../contestants/reduxOfflineStore'
import { createInProcessAdapter, createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { runAlternating, type Contestant } from '../lib/alternate'
import { createCountingStorage, type CountingStorage } from '../lib/countingStorage'
import type { RtkOffline } from '../lib/loadRtkOffline'
import { makeRecords, updateAt } from '../lib/records'
import { median } from '../lib/stats'
import { collectGarbage, nextMacrotask } from '../lib/tick'

/**
 * Rehydration: storage (localforage over fake-indexeddb) holds `records` confirmed records and
 * `operations` pending updates, one per record, as each library stored them itself. Timed: a new store
 * on that storage, from creating it until its restore is done (rtk-offline: `persistor.ready`;
 * redux-offline: redux-persist's rehydrate callback), then checked: every operation pending again and
 * every record showing its change.
 */
export interface RehydrateOptions {
  records: number
  warmups: number
  rounds: number
}

export interface RehydrateRow {
  name: string
  medianMs: number
  samples: number[]
  /** Characters in storage. */
  stored: number
}

function check(name: string, pending: number, expected: number, record: (id: string) => { n: number } | undefined): void {
  if (pending !== expected) throw new Error(`rehydrate: ${name} restored ${pending} pending operations, expected ${expected}`)
  for (const index of [0, expected - 1]) {
    const seen = record(`r${index}`)?.n
    if (seen !== index) throw new Error(`rehydrate: ${name} shows n=${String(seen)} for r${index} after the restore, expected ${index}`)
  }
}

/** The updates made offline: one per record. */
const updatesFor = (options: RehydrateOptions) => Array.from({ length: options.records }, (_, index) => updateAt('r', options.records, index))

/** rtk-offline: the records as confirmed (preloaded), persistence restored, then the updates made offline in one dispatch. */
async function storeRtkOffline(lib: RtkOffline, storage: CountingStorage, options: RehydrateOptions): Promise<void> {
  const client = createRtkOfflineStore({ lib, mode: 'production', adapter: createInProcessAdapter(), todos: makeRecords('r', options.records), online: false, storage })
  await client.persistor!.ready
  client.updateMany(updatesFor(options))
  await client.persistor!.flush()
  client.stop()
  if (client.errors.length > 0) throw new Error(`rehydrate: rtk-offline reported ${String(client.errors[0])}`)
  if (client.pending() !== options.records) throw new Error(`rehydrate: rtk-offline stored ${client.pending()} operations, expected ${options.records}`)
  await storage.settle(300, 120_000)
}

/** redux-offline: the same records and updates, its state built as its reducer leaves it (see `madeOffline`), then persisted. */
async function storeReduxOffline(storage: CountingStorage, options: RehydrateOptions): Promise<void> {
  const client = createReduxOfflineStore({
    mode: 'production',
    baseUrl: 'http://127.0.0.1:9',
    todos: makeRecords('r', options.records),
    madeOffline: updatesFor(options),
    storage,
  })
  await client.ready
  // redux-persist writes on the first change after its restore: every key, as none was stored.
  client.store.dispatch({ type: 'bench/persistNow' })
  await storage.settle(300, 120_000)
}

export async function runRehydrate(lib: RtkOffline, options: RehydrateOptions, log: (message: string) => void): Promise<RehydrateRow[]> {
  log(`rehydrate: storing ${options.records} records and ${options.records} operations for each contestant`)
  const rtkStorage = await createCountingStorage()
  const reduxStorage = await createCountingStorage()
  try {
    await storeRtkOffline(lib, rtkStorage, options)
    await storeReduxOffline(reduxStorage, options)
    const contestants: Contestant<number>[] = [
      {
        name: 'rtk-offline',
        run: async () => {
          const start = performance.now()
          const client = createRtkOfflineStore({ lib, mode: 'production', adapter: createInProcessAdapter(), todos: [], emptyView: true, online: false, storage: rtkStorage })
          await client.persistor!.ready
          const ms = performance.now() - start
          check('rtk-offline', client.pending(), options.records, client.record)
          client.stop()
          await rtkStorage.settle(300, 60_000)
          return ms
        },
      },
      {
        name: 'redux-offline',
        run: async () => {
          const start = performance.now()
          const client = createReduxOfflineStore({ mode: 'production', baseUrl: 'http://127.0.0.1:9', todos: [], storage: reduxStorage })
          await client.ready
          const ms = performance.now() - start
          check('redux-offline', client.pending(), options.records, client.record)
          // Its persistor rewrites what changed with the restore; let it finish before the next round.
          await nextMacrotask()
          await reduxStorage.settle(300, 60_000)
          return ms
        },
      },
    ]
    const samples = await runAlternating(contestants, {
      warmups: options.warmups,
      rounds: options.rounds,
      beforeEach: collectGarbage,
      onProgress: (message) => log(`rehydrate (${options.records} records and operations) ${message}`),
    })
    return [
      { name: 'rtk-offline', samples: samples.get('rtk-offline')!, medianMs: median(samples.get('rtk-offline')!), stored: await rtkStorage.storedChars() },
      { name: 'redux-offline', samples: samples.get('redux-offline')!, medianMs: median(samples.get('redux-offline')!), stored: await reduxStorage.storedChars() },
    ]
  } finally {
    await rtkStorage.drop()
    await reduxStorage.drop()
  }
}

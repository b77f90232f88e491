import { createReduxOfflineStore } from '../contestants/reduxOfflineStore'
import { createInProcessAdapter, createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { createCountingStorage, type CountingStorage } from '../lib/countingStorage'
import type { RtkOffline } from '../lib/loadRtkOffline'
import { makeRecords, updateAt } from '../lib/records'
import { nextMacrotask } from '../lib/tick'

/**
 * Bytes per stored operation: what persistence writes to storage for each operation made offline.
 * Each contestant's store holds `operations` confirmed records and is persisted on a counting storage
 * (localforage over fake-indexeddb); once its restore of the empty storage is done and storage is quiet,
 * it makes `operations` updates offline, one per record (nothing to merge), each its own dispatch
 * followed by a macrotask (as separate user events are). Counted from the first update until storage is
 * quiet again: setItem / removeItem calls and characters written (the values are ASCII JSON strings,
 * so characters are bytes), and what storage holds after minus before.
 */
export interface StoredOptions {
  operations: number
}

export interface StoredRow {
  name: string
  operations: number
  writes: number
  removes: number
  /** Characters passed to setItem while the operations were made. */
  written: number
  /** Characters in storage after minus before. */
  grown: number
}

interface Persisted {
  update(id: string, changes: { title: string; n: number }): unknown
  pending(): number
  dispose(): void
}

async function measure(name: string, options: StoredOptions, open: (storage: CountingStorage) => Promise<Persisted>): Promise<StoredRow> {
  const storage = await createCountingStorage()
  try {
    const client = await open(storage)
    await storage.settle(300, 120_000)
    const before = { writes: storage.writes, removes: storage.removes, written: storage.bytesWritten, stored: await storage.storedChars() }
    for (let index = 0; index < options.operations; index++) {
      const { id, changes } = updateAt('r', options.operations, index)
      client.update(id, changes)
      await nextMacrotask()
    }
    await storage.settle(400, 120_000)
    if (client.pending() !== options.operations)
      throw new Error(`stored: ${name} holds ${client.pending()} operations, expected ${options.operations}`)
    const row: StoredRow = {
      name,
      operations: options.operations,
      writes: storage.writes - before.writes,
      removes: storage.removes - before.removes,
      written: storage.bytesWritten - before.written,
      grown: (await storage.storedChars()) - before.stored,
    }
    client.dispose()
    return row
  } finally {
    await storage.settle(200, 60_000)
    await storage.drop()
  }
}

export async function runStored(lib: RtkOffline, options: StoredOptions, log: (message: string) => void): Promise<StoredRow[]> {
  const records = makeRecords('r', options.operations)
  log(`stored: rtk-offline + persistence, ${options.operations} operations one dispatch each`)
  const ours = await measure('rtk-offline + persistence', options, async (storage) => {
    const client = createRtkOfflineStore({ lib, mode: 'production', adapter: createInProcessAdapter(), todos: records, online: false, storage })
    await client.persistor!.ready
    return {
      update: client.update,
      pending: client.pending,
      dispose: () => {
        if (client.errors.length > 0) throw new Error(`stored: rtk-offline reported ${String(client.errors[0])}`)
        client.stop()
      },
    }
  })
  log(`stored: redux-offline + persistence, ${options.operations} operations one dispatch each`)
  const theirs = await measure('redux-offline + persistence', options, async (storage) => {
    const client = createReduxOfflineStore({ mode: 'production', baseUrl: 'http://127.0.0.1:9', todos: records, storage })
    await client.ready
    // redux-persist writes every key on the first change after its restore; done before counting starts.
    client.store.dispatch({ type: 'bench/persistNow' })
    return { update: client.update, pending: client.pending, dispose: () => {} }
  })
  return [ours, theirs]
}

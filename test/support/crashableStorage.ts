import { expect } from 'vitest'
import type { Operation } from '../../src'
import type { SyncStorage } from '../../src/persist'
import { freshStorage } from './persistedStore'

/**
 * A real localforage storage (over fake-indexeddb) that can "crash": from `crash()` on, every write is
 * dropped, as if the page died at that instant; reads still work, so a new page on `inner` sees exactly
 * what had been stored. `committed` holds the value of every key as last written (for assertions made
 * from inside an adapter, when storage must already hold something).
 */
export function crashableStorage(inner: SyncStorage = freshStorage()) {
  let crashed = false
  let crashWhen: ((key: string, value: string | null) => boolean) | null = null
  const dies = (key: string, value: string | null) => {
    if (!crashed && crashWhen?.(key, value)) crashed = true
    return crashed
  }
  const committed = new Map<string, string | null>()
  const storage: SyncStorage = {
    getItem: (key) => inner.getItem(key),
    setItem: async (key, value) => {
      if (dies(key, value)) return
      await inner.setItem(key, value)
      if (!crashed) committed.set(key, value)
    },
    removeItem: async (key) => {
      if (dies(key, null)) return
      await inner.removeItem(key)
      if (!crashed) committed.set(key, null)
    },
    keys: async () => [...((await inner.keys?.()) ?? [])],
  }
  return {
    /** What the crashing page writes to. */
    storage,
    /** What a page loaded after the crash reads. */
    inner,
    crash() {
      crashed = true
    },
    /** Crashes on the first write that `when` picks (that write is lost too). */
    crashWhen(when: (key: string, value: string | null) => boolean) {
      crashWhen = when
    },
    /** The stored record of an operation, as last written (undefined if never written, null if removed). */
    storedOp(id: string, key = 'rtk-offline'): Operation | null | undefined {
      const raw = committed.get(`${key}/op/${id}`)
      return raw === undefined || raw === null ? raw : (JSON.parse(raw) as Operation)
    },
  }
}

/** The ids of the operation records a storage holds under a persist key. */
export async function storedOpIds(storage: SyncStorage, key = 'rtk-offline'): Promise<string[]> {
  const prefix = `${key}/op/`
  const keys = (await storage.keys?.()) ?? []
  return [...keys].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort()
}

/**
 * Durability invariant 6: after a flush, storage holds exactly the live operations (those waiting, in
 * flight, parked or failed in the store), no orphan of a replaced or settled one.
 */
export async function expectNoOrphans(
  page: { sync: { flush(): Promise<void> }; ops(): Operation[] },
  storage: SyncStorage,
  key = 'rtk-offline',
): Promise<void> {
  await page.sync.flush()
  expect(await storedOpIds(storage, key)).toEqual(page.ops().map((op) => op.id).sort())
}

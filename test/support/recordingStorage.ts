import type { SyncStorage } from '../../src/persist'
import { freshStorage } from './persistedStore'

export type LoggedWrite = ['set' | 'remove', string, number]

/**
 * Real localforage over fake-indexeddb, seeded with `initial`, behind a thin wrapper that records every
 * write (kind, key, characters) and reads back a snapshot of what is stored. `freeze()` drops every
 * later write, as a crash at that instant would.
 */
export function recordingStorage(initial: Record<string, string> = {}) {
  const inner = freshStorage()
  const log: LoggedWrite[] = []
  let frozen = false
  const seeded = Promise.all(Object.entries(initial).map(([key, value]) => inner.setItem(key, value)))
  const storage: SyncStorage = {
    getItem: async (key) => {
      await seeded
      return inner.getItem(key)
    },
    setItem: async (key, value) => {
      if (frozen) return
      log.push(['set', key, value.length])
      await inner.setItem(key, value)
    },
    removeItem: async (key) => {
      if (frozen) return
      log.push(['remove', key, 0])
      await inner.removeItem(key)
    },
    keys: async () => {
      await seeded
      return [...((await inner.keys?.()) ?? [])]
    },
    iterate: async (visit) => {
      await seeded
      return inner.iterate!(visit)
    },
  }
  const snapshot = async () => {
    const entries = await Promise.all(((await storage.keys!()) as string[]).map(async (key) => [key, (await inner.getItem(key)) as string] as const))
    return new Map(entries)
  }
  /** Characters written since the log had `from` entries. */
  const bytesSince = (from: number) => log.slice(from).reduce((sum, [, , bytes]) => sum + bytes, 0)
  return {
    storage,
    snapshot,
    log,
    bytesSince,
    freeze: () => {
      frozen = true
    },
    thaw: () => {
      frozen = false
    },
  }
}

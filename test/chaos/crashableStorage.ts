import type { SyncStorage } from '../../src/persist'
import type { Scheduler } from './scheduler'

/**
 * One page's view of a client's storage, which a crash can cut off. At the crash instant every later
 * write from this page is dropped (the process is gone); a write already handed to IndexedDB before the
 * crash may still land, as it would in a browser. Reads after the crash are answered (they change
 * nothing), so the dead page's pending promises settle. A reload wraps the same storage anew.
 */
export interface CrashableStorage extends SyncStorage {
  crash(): void
  readonly crashed: boolean
  /** Writes dropped because they came after the crash. */
  readonly dropped: number
}

export type BaseStorage = Required<Pick<SyncStorage, 'getItem' | 'setItem' | 'removeItem' | 'keys' | 'iterate'>>

export function crashable(storage: BaseStorage, scheduler: Scheduler): CrashableStorage {
  let crashed = false
  let dropped = 0
  const tracked = <T>(work: () => Promise<T> | T): Promise<T> => {
    const done = scheduler.track()
    // Called at once: a write handed over before the crash is in IndexedDB's hands and may land.
    let result: Promise<T>
    try {
      result = Promise.resolve(work())
    } catch (error) {
      result = Promise.reject(error)
    }
    return result.finally(done)
  }
  return {
    getItem: (key) => tracked(() => storage.getItem(key)),
    keys: () => tracked(async () => [...(await storage.keys())]),
    iterate: (visit) => tracked(() => storage.iterate(visit)),
    setItem(key, value) {
      if (crashed) {
        dropped += 1
        return Promise.resolve()
      }
      return tracked(() => storage.setItem(key, value))
    },
    removeItem(key) {
      if (crashed) {
        dropped += 1
        return Promise.resolve()
      }
      return tracked(() => storage.removeItem(key))
    },
    crash() {
      crashed = true
    },
    get crashed() {
      return crashed
    },
    get dropped() {
      return dropped
    },
  }
}

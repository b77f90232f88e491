import type { PersistStorage } from '../contestants/reduxOfflineStore'

/**
 * A fresh localforage store over fake-indexeddb (IndexedDB as in a browser), counting what is written
 * to it. It fits both redux-persist 4 (callbacks) and rtk-offline's `persist.storage` (promises).
 */
export interface CountingStorage extends PersistStorage {
  getItem(key: string, callback?: (error: unknown, value: unknown) => void): Promise<string | null>
  setItem(key: string, value: string, callback?: (error: unknown) => void): Promise<unknown>
  removeItem(key: string, callback?: (error: unknown) => void): Promise<void>
  keys(callback?: (error: unknown, keys: string[]) => void): Promise<string[]>
  /** localforage's cursor walk over every stored value, passed through as a localforage instance offers it. */
  iterate(visit: (value: unknown, key: string) => unknown): Promise<unknown>
  /**
   * localforage's readiness, driver and connection, passed through (reads are not counted): with them a
   * restore reads the way it does from a localforage instance an app passes in (two IndexedDB requests).
   */
  ready(): Promise<void>
  driver(): string | null
  readonly _dbInfo: unknown
  /** setItem calls so far. */
  readonly writes: number
  /** removeItem calls so far. */
  readonly removes: number
  /** Characters passed to setItem so far. */
  readonly bytesWritten: number
  /** When the last write started (performance.now()). */
  readonly lastWriteAt: number
  /** Characters stored now, over every key. */
  storedChars(): Promise<number>
  /** Waits until no write has started for `quietMs`, for at most `timeoutMs`. */
  settle(quietMs: number, timeoutMs: number): Promise<void>
  drop(): Promise<void>
}

let instances = 0

export async function createCountingStorage(): Promise<CountingStorage> {
  // fake-indexeddb/auto installs indexedDB and its classes as globals, which localforage then finds.
  await import('fake-indexeddb/auto')
  const { default: localforage } = await import('localforage')
  const store = localforage.createInstance({ name: `rtk-offline-bench-${process.pid}-${++instances}` })
  await store.ready()
  let writes = 0
  let removes = 0
  let bytesWritten = 0
  let lastWriteAt = performance.now()
  return {
    get writes() {
      return writes
    },
    get removes() {
      return removes
    },
    get bytesWritten() {
      return bytesWritten
    },
    get lastWriteAt() {
      return lastWriteAt
    },
    getItem: (key, callback) => store.getItem<string>(key, callback as never),
    setItem: (key, value, callback) => {
      writes += 1
      bytesWritten += value.length
      lastWriteAt = performance.now()
      return store.setItem(key, value, callback as never)
    },
    removeItem: (key, callback) => {
      removes += 1
      lastWriteAt = performance.now()
      return store.removeItem(key, callback as never)
    },
    keys: (callback) => store.keys(callback as never),
    iterate: (visit) => store.iterate(visit),
    ready: () => store.ready(),
    driver: () => store.driver(),
    get _dbInfo() {
      return (store as unknown as { _dbInfo: unknown })._dbInfo
    },
    async storedChars() {
      let chars = 0
      await store.iterate((value: unknown) => {
        chars += typeof value === 'string' ? value.length : JSON.stringify(value).length
      })
      return chars
    },
    async settle(quietMs, timeoutMs) {
      // Quiet since the call too: writes about to start (a throttle, an interval) get their chance.
      const since = performance.now()
      const deadline = since + timeoutMs
      while (performance.now() < deadline && performance.now() - Math.max(lastWriteAt, since) < quietMs)
        await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs, 50)))
    },
    drop: () => store.dropInstance(),
  }
}

import { SyncSetupError } from 'rtk-offline'

/**
 * Where rtk-offline keeps its data: redux-persist's storage shape (string values) plus a way to list
 * keys. localforage, React Native's AsyncStorage, `localStorage` behind a small wrapper, and
 * {@link encryptedStorage} all fit.
 */
export interface SyncStorage {
  getItem(key: string): Promise<string | null> | string | null
  setItem(key: string, value: string): Promise<unknown> | unknown
  removeItem(key: string): Promise<unknown> | unknown
  /** localforage's way to list keys. One of `keys` and `getAllKeys` is required. */
  keys?(): Promise<string[]> | string[]
  /** React Native AsyncStorage's way to list keys. */
  getAllKeys?(): Promise<readonly string[]> | readonly string[]
  /**
   * localforage's one-pass read of every key and value. When present, a restore reads the stored
   * operations with it instead of one `getItem` (one storage transaction) each.
   */
  iterate?(visit: (value: unknown, key: string) => void): Promise<unknown>
}

/** Lists a storage's keys, whichever way it offers. */
export async function listKeys(storage: SyncStorage): Promise<string[]> {
  if (typeof storage.keys === 'function') return [...(await storage.keys())]
  if (typeof storage.getAllKeys === 'function') return [...(await storage.getAllKeys())]
  throw new SyncSetupError('the persist storage must list its keys with keys() (localforage) or getAllKeys() (AsyncStorage).')
}

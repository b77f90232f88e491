import { describe, expect, it, vi } from 'vitest'
import type { SyncStorage } from '../../src/persist'
import { freshStorage, pageOpener } from '../support/persistedStore'
import { createScriptedAdapter } from '../support/scriptedAdapter'

const todo = (id: string, title = `Todo ${id}`) => ({ id, title, done: false })
const open = pageOpener()

/** A storage that counts how it is read. */
function countingReads(inner: SyncStorage) {
  const reads = { keys: 0, getItem: 0, iterate: 0 }
  const storage: SyncStorage = {
    getItem: (key) => {
      reads.getItem += 1
      return inner.getItem(key)
    },
    setItem: (key, value) => inner.setItem(key, value),
    removeItem: (key) => inner.removeItem(key),
    keys: () => {
      reads.keys += 1
      return inner.keys!()
    },
    iterate: (visit) => {
      reads.iterate += 1
      return inner.iterate!(visit)
    },
  }
  return { storage, reads }
}

/** 200 records stored, 50 of them with a pending change, the page gone. */
async function storedOutbox() {
  const inner = freshStorage()
  const first = open(inner, createScriptedAdapter().adapter)
  await first.persistor.ready
  first.store.dispatch(first.todos.actions.addedMany(Array.from({ length: 200 }, (_, i) => todo(`t${i}`))))
  await first.sync.flush()
  first.sync.stop()
  return inner
}

describe('cost of a restore', () => {
  it('a restore reads a storage that iterates in one pass: no keys() listing, no getItem per record or operation', async () => {
    const { storage, reads } = countingReads(await storedOutbox())
    const page = open(storage, createScriptedAdapter().adapter)
    await page.persistor.ready
    expect(page.view()).toHaveLength(200)
    expect(page.status().pending).toBe(200)
    expect(reads).toEqual({ keys: 0, getItem: 0, iterate: 1 })
  })

  it('a restore from a localforage instance on IndexedDB reads it in one transaction: no cursor walk, no listing, no getItem', async () => {
    const storage = (await storedOutbox()) as SyncStorage & { iterate: () => unknown; keys: () => unknown }
    const iterate = vi.spyOn(storage, 'iterate')
    const keys = vi.spyOn(storage, 'keys')
    const getItem = vi.spyOn(storage, 'getItem')
    const page = open(storage, createScriptedAdapter().adapter)
    await page.persistor.ready
    expect(page.view()).toHaveLength(200)
    expect(page.status().pending).toBe(200)
    expect([iterate.mock.calls.length, keys.mock.calls.length, getItem.mock.calls.length]).toEqual([0, 0, 0])
  })

  it('on an IndexedDB without getAllRecords (before IndexedDB 3.0) it reads the keys and the values in two requests, still no cursor walk', async () => {
    const storage = (await storedOutbox()) as SyncStorage & { iterate: () => unknown; keys: () => unknown }
    const iterate = vi.spyOn(storage, 'iterate')
    const getItem = vi.spyOn(storage, 'getItem')
    const proto = IDBObjectStore.prototype as IDBObjectStore & { getAllRecords?: unknown }
    const getAllRecords = proto.getAllRecords
    expect(typeof getAllRecords).toBe('function')
    const getAll = vi.spyOn(proto, 'getAll')
    delete proto.getAllRecords
    try {
      const page = open(storage, createScriptedAdapter().adapter)
      await page.persistor.ready
      expect(page.view()).toHaveLength(200)
      expect(page.status().pending).toBe(200)
    } finally {
      proto.getAllRecords = getAllRecords
    }
    expect(getAll).toHaveBeenCalledTimes(1)
    getAll.mockRestore()
    expect([iterate.mock.calls.length, getItem.mock.calls.length]).toEqual([0, 0])
  })

  it('a localforage instance whose one-transaction read fails is read with its cursor walk instead', async () => {
    const storage = (await storedOutbox()) as SyncStorage & { iterate: () => unknown; _dbInfo: { db: IDBDatabase } }
    const iterate = vi.spyOn(storage, 'iterate')
    vi.spyOn(storage._dbInfo.db, 'transaction').mockImplementation(() => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError')
    })
    const page = open(storage, createScriptedAdapter().adapter)
    await page.persistor.ready
    vi.restoreAllMocks()
    expect(page.view()).toHaveLength(200)
    expect(page.status().pending).toBe(200)
    expect(iterate).toHaveBeenCalledTimes(1)
  })

  it('a restore from a storage without iterate lists the keys and reads each value', async () => {
    const inner = await storedOutbox()
    const { storage, reads } = countingReads(inner)
    delete storage.iterate
    const page = open(storage, createScriptedAdapter().adapter)
    await page.persistor.ready
    expect(page.view()).toHaveLength(200)
    expect(page.status().pending).toBe(200)
    expect(reads.keys).toBe(1)
    expect(reads.getItem).toBeGreaterThan(200)
  })

  it('a storage that iterates but cannot list its keys is still refused', async () => {
    const { storage } = countingReads(freshStorage())
    delete storage.keys
    const page = open(storage, createScriptedAdapter().adapter)
    await expect(page.persistor.ready).rejects.toThrow(/must list its keys/)
  })

  it('the restored state is frozen throughout, as a reducer leaves any state', async () => {
    const page = open(await storedOutbox(), createScriptedAdapter().adapter)
    await page.persistor.ready
    const state = page.store.getState()
    const slice = state.todos
    expect(Object.isFrozen(slice)).toBe(true)
    expect(Object.isFrozen(slice.entities)).toBe(true)
    expect(Object.isFrozen(slice.entities.t7)).toBe(true)
    expect(Object.isFrozen(slice.pending)).toBe(true)
    const op = page.ops()[0]!
    expect(Object.isFrozen(op)).toBe(true)
    expect(Object.isFrozen(op.data)).toBe(true)
    expect(() => {
      ;(slice.entities.t7 as { title: string }).title = 'mutated'
    }).toThrow(TypeError)
  })
})

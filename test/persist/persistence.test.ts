import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRestAdapter, SyncStorageError } from '../../src'
import type { SyncStorage } from '../../src/persist'
import { recordBucket } from '../../src/persist/storedShapes'
import { freshStorage, loadPage } from '../support/persistedStore'
import { createRestBackend } from '../support/restBackend'
import { createScriptedAdapter } from '../support/scriptedAdapter'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4020/api'
const backend = createRestBackend({ baseUrl })
useMswServer(...backend.handlers)
afterEach(() => {
  backend.reset()
})

const todo = (id: string, title = `Todo ${id}`) => ({ id, title, done: false })
const rest = () => createRestAdapter({ baseUrl })

describe('a reload', () => {
  it('keeps 1,000 operations made offline, in order, with their views', async () => {
    const storage = freshStorage()
    const first = loadPage(storage, rest())
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.addedMany(Array.from({ length: 1000 }, (_, i) => todo(`t${i}`))))
    first.store.dispatch(first.todos.actions.updated({ id: 't5', changes: { done: true } }))
    await first.sync.flush()
    first.sync.stop()

    const second = loadPage(storage, rest())
    await second.persistor.ready
    expect(second.ops().map((op) => op.recordId)).toEqual(Array.from({ length: 1000 }, (_, i) => `t${i}`))
    expect(second.ops().map((op) => op.id)).toEqual(first.ops().map((op) => op.id))
    expect(second.view()).toEqual(first.view())
    expect(second.status()).toMatchObject({ pending: 1000, phase: 'offline' })
    second.sync.stop()
  })

  it('sends an operation that was in flight at a crash again, with the same idempotency key, and the backend applies it once', async () => {
    const storage = freshStorage()
    const first = loadPage(storage, rest())
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.addedMany([todo('a'), todo('b')]))
    await first.sync.flush()
    // The backend commits both, then the connection drops before either answer arrives; the page dies.
    backend.dropResponseAfterCommitNext(2)
    first.network.setOnline(true)
    await vi.waitFor(() => expect(backend.requests).toHaveLength(2))
    await first.sync.flush()
    first.sync.stop()

    const second = loadPage(storage, rest(), { online: true })
    await second.persistor.ready
    await vi.waitFor(() => expect(second.status().pending).toBe(0))
    expect(backend.requests.map((request) => request.idempotencyKey)).toEqual([
      first.ops()[0]!.id,
      first.ops()[1]!.id,
      first.ops()[0]!.id,
      first.ops()[1]!.id,
    ])
    expect(backend.records('todos')).toEqual([
      { ...todo('a'), version: 1 },
      { ...todo('b'), version: 1 },
    ])
    expect(second.view()).toEqual(backend.records('todos'))
    // Attempts survived the crash: the retried operations had been sent once already.
    second.sync.stop()
  })

  it('never shows a confirmed change as reverted, even when the page dies before the slice is saved', async () => {
    const storage = freshStorage()
    const scripted = createScriptedAdapter()
    // A long throttle: the slice blob is not written again before the "crash".
    const first = loadPage(storage, scripted.adapter, { online: true, persist: { throttleMs: 60_000 } })
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.added(todo('a', 'Mine')))
    await first.sync.flush()
    await vi.waitFor(() => expect(scripted.waitingCount()).toBe(1))
    scripted.answer((op) => ({ type: 'ok', record: { ...op.data, version: 1 } }))
    await vi.waitFor(() => expect(first.status().pending).toBe(0))
    // No flush: the page dies with the confirmation only in memory.
    first.sync.stop()

    const second = loadPage(storage, scripted.adapter, { online: false })
    await second.persistor.ready
    expect(second.view()).toEqual([todo('a', 'Mine')])
    second.sync.stop()
  })

  it('keeps attempts and the retry schedule of a failing operation', async () => {
    const storage = freshStorage()
    backend.failNext(1, 503, { retryAfter: '120' })
    const first = loadPage(storage, rest(), { online: true })
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.added(todo('a')))
    await vi.waitFor(() => expect(first.status().phase).toBe('backoff'))
    await first.sync.flush()
    const { attempts, nextAttemptAt } = first.ops()[0]!
    first.sync.stop()

    const second = loadPage(storage, rest())
    await second.persistor.ready
    expect(second.ops()[0]).toMatchObject({ attempts: 1, nextAttemptAt, status: 'pending' })
    expect(attempts).toBe(1)
    second.sync.stop()
  })
})

describe('work dispatched before the restore finishes', () => {
  it('is merged after the stored work, in order, and nothing is overwritten', async () => {
    const storage = freshStorage()
    const first = loadPage(storage, rest())
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.addedMany([todo('a'), todo('b')]))
    await first.sync.flush()
    first.sync.stop()

    const second = loadPage(storage, rest())
    // Dispatched at once, while storage is still being read.
    second.store.dispatch(second.todos.actions.added(todo('c')))
    second.store.dispatch(second.todos.actions.updated({ id: 'c', changes: { done: true } }))
    expect(second.status().pending).toBe(1)
    await second.persistor.ready
    expect(second.view().map((t) => t.id)).toEqual(['a', 'b', 'c'])
    expect(second.ops().map((op) => [op.recordId, op.kind])).toEqual([
      ['a', 'create'],
      ['b', 'create'],
      ['c', 'create'],
    ])
    const seqs = second.ops().map((op) => op.seq)
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs)
    expect(new Set(seqs).size).toBe(3)
    await second.sync.flush()
    second.sync.stop()

    const third = loadPage(storage, rest())
    await third.persistor.ready
    expect(third.view()).toEqual(second.view())
    expect(third.ops().map((op) => op.id)).toEqual(second.ops().map((op) => op.id))
    third.sync.stop()
  })

  it('is not sent before the restore is done', async () => {
    const storage = freshStorage()
    const scripted = createScriptedAdapter()
    const page = loadPage(storage, scripted.adapter, { online: true })
    page.store.dispatch(page.todos.actions.added(todo('a')))
    expect(scripted.calls).toHaveLength(0)
    await page.persistor.ready
    await vi.waitFor(() => expect(scripted.calls).toHaveLength(1))
    page.sync.stop()
  })
})

/**
 * Real localforage over fake-indexeddb, seeded with `initial`, behind a thin wrapper that records every
 * write (for byte counts) and reads back a snapshot of what is stored.
 */
function mapStorage(initial: Record<string, string> = {}) {
  const inner = freshStorage()
  const log: Array<[string, string, number]> = []
  const seeded = Promise.all(Object.entries(initial).map(([key, value]) => inner.setItem(key, value)))
  const storage: SyncStorage = {
    getItem: async (key) => {
      await seeded
      return inner.getItem(key)
    },
    setItem: async (key, value) => {
      log.push(['set', key, value.length])
      await inner.setItem(key, value)
    },
    removeItem: async (key) => {
      log.push(['remove', key, 0])
      await inner.removeItem(key)
    },
    keys: async () => {
      await seeded
      return [...((await inner.keys?.()) ?? [])]
    },
  }
  const snapshot = async () => {
    const entries = await Promise.all(((await storage.keys!()) as string[]).map(async (key) => [key, (await inner.getItem(key)) as string] as const))
    return new Map(entries)
  }
  return { storage, snapshot, log }
}

describe('corrupted storage', () => {
  it.each([
    ['bad JSON in an operation', 'rtk-offline/op/x', '{"id": "x", '],
    ['an operation of the wrong shape', 'rtk-offline/op/y', '{"id": 5}'],
    ['bad JSON in a slice', 'rtk-offline/entity/todos', 'not json at all'],
    ['a slice of the wrong shape', 'rtk-offline/entity/todos', '{"records": "nope"}'],
    ['bad metadata', 'rtk-offline/meta', '[1,2,3]'],
  ])('boots empty without %s, moves it aside, and says so', async (_, key, raw) => {
    const { storage, snapshot } = mapStorage({ [key]: raw })
    const page = loadPage(storage, rest())
    await page.persistor.ready
    expect(page.view()).toEqual([])
    let data = await snapshot()
    // Moved aside: the key is gone, or holds a good value written since.
    expect(data.get(key)).not.toBe(raw)
    const { problems } = page.sync.selectors.selectStorage(page.store.getState())
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ key, preview: raw })
    expect(data.get(problems[0]!.quarantineKey!)).toBe(raw)
    // The store works on: a new change is stored.
    page.store.dispatch(page.todos.actions.added(todo('a')))
    await page.sync.flush()
    data = await snapshot()
    expect([...data.keys()].filter((k) => k.startsWith('rtk-offline/op/'))).toHaveLength(1)
    page.sync.stop()
  })

  it('keeps what is good when one value is bad', async () => {
    const storage = freshStorage()
    const first = loadPage(storage, rest())
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.addedMany([todo('a'), todo('b')]))
    await first.sync.flush()
    first.sync.stop()
    await storage.setItem(`rtk-offline/op/${first.ops()[1]!.id}`, '{broken')

    const second = loadPage(storage, rest())
    await second.persistor.ready
    expect(second.ops().map((op) => op.recordId)).toEqual(['a'])
    expect(second.view().map((t) => t.id)).toEqual(['a'])
    second.sync.stop()
  })

  it('leaves a storage that throws untouched and reports it', async () => {
    const { storage, snapshot, log } = mapStorage({ 'rtk-offline/meta': '{"v":1,"nextSeq":5,"conflicts":[]}' })
    storage.getItem = async () => {
      throw new Error('disk I/O error')
    }
    const page = loadPage(storage, rest())
    await expect(page.persistor.ready).rejects.toThrow(SyncStorageError)
    page.store.dispatch(page.todos.actions.added(todo('a')))
    await page.sync.flush()
    expect(log).toEqual([])
    expect((await snapshot()).get('rtk-offline/meta')).toBe('{"v":1,"nextSeq":5,"conflicts":[]}')
    expect(page.sync.selectors.selectSyncState(page.store.getState()).storage.error).toMatchObject({
      code: 'storage-failed',
      message: expect.stringContaining('disk I/O error'),
    })
    expect(page.status().phase).toBe('offline')
    page.sync.stop()
  })
})

describe('versions', () => {
  it('refuses stored data from a newer version and leaves it untouched', async () => {
    const meta = '{"v":3,"nextSeq":9,"conflicts":[]}'
    const { storage, snapshot, log } = mapStorage({ 'rtk-offline/meta': meta })
    const page = loadPage(storage, rest(), { persist: { version: 2 } })
    await expect(page.persistor.ready).rejects.toThrow(
      "rtk-offline: storage holds data of version 3, newer than this app's 2; it was left untouched. Update the app, or purge the storage to start afresh.",
    )
    expect(log).toEqual([])
    expect((await snapshot()).get('rtk-offline/meta')).toBe(meta)
    page.sync.stop()
  })

  it('migrates older stored data in order and stores it in the new shape', async () => {
    const storage = freshStorage()
    const first = loadPage(storage, rest(), { persist: { version: 1 } })
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.added(todo('a', 'old title')))
    await first.sync.flush()
    first.sync.stop()

    const upper = (title: unknown) => String(title).toUpperCase()
    const second = loadPage(storage, rest(), {
      persist: {
        version: 3,
        migrations: {
          2: (state) => ({ ...state, ops: state.ops.map((op) => ({ ...op, data: { ...op.data, title: upper(op.data?.title) } })) }),
          3: (state) => ({ ...state, ops: state.ops.map((op) => ({ ...op, data: { ...op.data, migrated: 3 } })) }),
        },
      },
    })
    await second.persistor.ready
    expect(second.view()).toEqual([{ ...todo('a', 'OLD TITLE'), migrated: 3 }])
    await second.sync.flush()
    second.sync.stop()
    expect(JSON.parse((await storage.getItem('rtk-offline/meta'))!)).toMatchObject({ v: 3 })
  })
})

describe('write cost', () => {
  it('writes bytes in proportion to the operation, not to the outbox', async () => {
    const { storage, log } = mapStorage()
    const page = loadPage(storage, rest())
    await page.persistor.ready
    page.store.dispatch(page.todos.actions.addedMany(Array.from({ length: 2000 }, (_, i) => todo(`t${i}`))))
    await page.sync.flush()
    const opWrites = (from: number) => log.slice(from).filter(([kind, key]) => kind === 'set' && key.includes('/op/'))
    let mark = log.length
    page.store.dispatch(page.todos.actions.added(todo('x1')))
    await page.sync.flush()
    const small = opWrites(mark)
    mark = log.length
    page.store.dispatch(page.todos.actions.added(todo('x2')))
    await page.sync.flush()
    expect(small).toHaveLength(1)
    expect(opWrites(mark)).toHaveLength(1)
    expect(small[0]![2]).toBeLessThan(400)
    page.sync.stop()
  })
})

describe('encryption at rest', () => {
  it('round-trips through a reload with the right key, and a wrong key leaves the data as it was', async () => {
    const { encryptedStorage, generateStorageKey } = await import('../../src/persist')
    const { storage: raw, snapshot } = mapStorage()
    const key = await generateStorageKey()
    const first = loadPage(encryptedStorage(raw, { key }), rest())
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.added(todo('secret', 'Private title')))
    await first.sync.flush()
    first.sync.stop()
    expect([...(await snapshot()).values()].join('')).not.toContain('Private title')

    const second = loadPage(encryptedStorage(raw, { key }), rest())
    await second.persistor.ready
    expect(second.view()).toEqual([todo('secret', 'Private title')])
    second.sync.stop()

    const before = await snapshot()
    const wrong = loadPage(encryptedStorage(raw, { key: await generateStorageKey() }), rest())
    await expect(wrong.persistor.ready).rejects.toThrow(/could not decrypt/)
    wrong.store.dispatch(wrong.todos.actions.added(todo('other')))
    await wrong.sync.flush()
    expect(await snapshot()).toEqual(before)
    expect(wrong.sync.selectors.selectSyncState(wrong.store.getState()).storage.error).toMatchObject({ code: 'storage-failed' })
    wrong.sync.stop()
  })
})

describe('flushing', () => {
  it('writes the pending slice when the page is hidden or goes away', async () => {
    const target = new EventTarget()
    vi.stubGlobal('window', target)
    try {
      const { storage, snapshot } = mapStorage()
      const page = loadPage(storage, rest(), { persist: { throttleMs: 60_000 } })
      await page.persistor.ready
      page.store.dispatch(page.todos.actions.added(todo('a')))
      await page.persistor.flush()
      page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { title: 'late' } }))
      await page.sync.flush()
      // Between flushes the slice waits for the throttle; pagehide writes it at once.
      page.store.dispatch(page.todos.actions.added(todo('b')))
      await new Promise((resolve) => setTimeout(resolve, 20))
      const bucketOfB = `rtk-offline/rec/todos/${recordBucket('b')}`
      expect((await snapshot()).get(bucketOfB) ?? '').not.toContain('"b"')
      target.dispatchEvent(new Event('pagehide'))
      await vi.waitFor(async () => expect((await snapshot()).get(bucketOfB)).toContain('"b"'))
      page.sync.stop()
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('keeps a 1,000-operation drain under 2 MB written in all', async () => {
    const { storage, log } = mapStorage()
    const scripted = createScriptedAdapter()
    scripted.autoRespond((op) => ({ type: 'ok', record: { ...op.data, version: 1 } }))
    const page = loadPage(storage, scripted.adapter, { batchSize: 50 })
    await page.persistor.ready
    const records = Array.from({ length: 100 }, (_, i) => todo(`r${i}`))
    page.store.dispatch(page.todos.actions.addedMany(records))
    await page.sync.flush()
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    for (let round = 0; round < 9; round++) {
      page.store.dispatch(page.todos.actions.updatedMany(records.map((r) => ({ id: r.id, changes: { title: `${r.id} v${round}` } }))))
      await vi.waitFor(() => expect(page.status().pending).toBe(0))
    }
    await page.sync.flush()
    const written = log.reduce((sum, [, , bytes]) => sum + bytes, 0)
    // 1,000 operations: 100 creates and 900 updates, each written when made and again when sent.
    expect(written).toBeLessThan(2_000_000)
    console.info(`1,000-operation drain: ${written} characters written in ${log.filter(([kind]) => kind === 'set').length} writes`)
    page.sync.stop()
  })
})

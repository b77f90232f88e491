import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRestAdapter } from '../../src'
import type { SyncStorage } from '../../src/persist'
import { pulledPage } from '../../src/slices/actions'
import { idPath, trieGet } from '../../src/core/trie'
import { freshStorage, loadPage } from '../support/persistedStore'
import { recordingStorage } from '../support/recordingStorage'
import { createRestBackend } from '../support/restBackend'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4031/api'
const backend = createRestBackend({ baseUrl })
useMswServer(...backend.handlers)
afterEach(() => {
  backend.reset()
})

const rest = () => createRestAdapter({ baseUrl })

/**
 * Pulls `a` at version 1, edits it, and crashes once the operation is stored but before the throttled
 * slice write (a long throttle: it never comes). Returns the storage as the crash left it.
 */
async function editThenCrash() {
  backend.seed('todos', [{ id: 'a', title: 'Milk', done: false, version: 1 }])
  const recorded = recordingStorage()
  const first = loadPage(recorded.storage, rest(), { persist: { throttleMs: 60_000 } })
  await first.persistor.ready
  first.store.dispatch(
    pulledPage({ entity: 'todos', changes: [{ id: 'a', record: backend.record('todos', 'a')! }], cursor: 'c1', hasMore: false, at: 1 }),
  )
  first.store.dispatch(first.todos.actions.updated({ id: 'a', changes: { done: true } }))
  await vi.waitFor(async () => expect([...(await recorded.snapshot()).keys()].some((key) => key.includes('/op/'))).toBe(true))
  recorded.freeze()
  first.sync.stop()
  recorded.thaw()
  return recorded
}

describe('the confirmed state an edit was made on', () => {
  it('survives a crash within throttleMs of pulling and editing: the view shows the edit after the reload', async () => {
    const { storage } = await editThenCrash()
    const second = loadPage(storage, rest())
    await second.persistor.ready
    expect(second.view()).toEqual([{ id: 'a', title: 'Milk', done: true, version: 1 }])
    second.sync.stop()
  })

  it('sends the edit with If-Match of the version it was made on after the reload', async () => {
    const { storage } = await editThenCrash()
    const second = loadPage(storage, rest(), { online: true })
    await second.persistor.ready
    await vi.waitFor(() => expect(second.status().pending).toBe(0))
    expect(backend.requests.filter((request) => request.method === 'PATCH').map((request) => request.ifMatch)).toEqual(['"1"'])
    expect(backend.record('todos', 'a')).toMatchObject({ done: true, version: 2 })
    second.sync.stop()
  })

  it('makes a concurrent server change a conflict after the reload, not a silent overwrite', async () => {
    const { storage } = await editThenCrash()
    backend.editRemote('todos', 'a', { title: 'Oat milk' })
    const second = loadPage(storage, rest(), { online: true })
    await second.persistor.ready
    await vi.waitFor(() => expect(second.status().pending).toBe(0))
    // The default strategy is server-wins: the server's record stays, and the conflict is listed.
    expect(backend.record('todos', 'a')).toMatchObject({ title: 'Oat milk', done: false, version: 2 })
    expect(second.sync.selectors.selectConflicts(second.store.getState())).toHaveLength(1)
    expect(second.view()).toEqual([{ id: 'a', title: 'Oat milk', done: false, version: 2 }])
    second.sync.stop()
  })

  it('sends an edit stored without its confirmed state (by an earlier version) with If-Match of the version in the operation', async () => {
    backend.seed('todos', [{ id: 'a', title: 'Milk', done: false, version: 1 }])
    backend.editRemote('todos', 'a', { title: 'Oat milk' })
    const op = {
      id: 'o1',
      seq: 1,
      entity: 'todos',
      recordId: 'a',
      kind: 'update',
      data: { done: true },
      baseVersion: 1,
      enqueuedAt: 0,
      attempts: 0,
      nextAttemptAt: null,
      status: 'pending',
      lastError: null,
      priority: 0,
      userId: null,
    }
    const { storage } = recordingStorage({ 'rtk-offline/op/o1': JSON.stringify(op) })
    const page = loadPage(storage, rest(), { online: true })
    await page.persistor.ready
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(backend.requests.filter((request) => request.method === 'PATCH').map((request) => request.ifMatch)).toEqual(['"1"'])
    expect(backend.record('todos', 'a')).toMatchObject({ title: 'Oat milk', done: false, version: 2 })
    page.sync.stop()
  })

  it('a crash between any two writes restores every stored edit on the confirmed state it was made on', async () => {
    backend.seed('todos', [
      { id: 'a', title: 'Milk', done: false, version: 1 },
      { id: 'b', title: 'Eggs', done: false, version: 1 },
    ])
    // Every write in order, with its value, so that storage can be rebuilt as any crash would leave it.
    const writes: Array<[string, string | null]> = []
    const inner = freshStorage()
    const storage: SyncStorage = {
      getItem: (key) => inner.getItem(key),
      setItem: async (key, value) => {
        writes.push([key, value])
        await inner.setItem(key, value)
      },
      removeItem: async (key) => {
        writes.push([key, null])
        await inner.removeItem(key)
      },
      keys: () => inner.keys!(),
    }
    const page = loadPage(storage, rest(), { persist: { throttleMs: 60_000 } })
    await page.persistor.ready
    const pull = (records: Array<Record<string, unknown>>, cursor: string) =>
      page.store.dispatch(pulledPage({ entity: 'todos', changes: records.map((record) => ({ id: record.id as string, record })), cursor, hasMore: false, at: 1 }))
    pull(backend.records('todos'), 'c1')
    page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { done: true } }))
    await page.sync.flush()
    pull([backend.editRemote('todos', 'b', { title: 'Brown eggs' })], 'c2')
    page.store.dispatch(page.todos.actions.updated({ id: 'b', changes: { done: true } }))
    page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { title: 'Oat milk' } }))
    await page.sync.flush()
    page.sync.stop()

    for (let crashAt = 0; crashAt <= writes.length; crashAt++) {
      const left = freshStorage()
      for (const [key, value] of writes.slice(0, crashAt)) {
        if (value === null) await left.removeItem(key)
        else await left.setItem(key, value)
      }
      const reloaded = loadPage(left, rest())
      await reloaded.persistor.ready
      const state = reloaded.store.getState()
      for (const op of reloaded.ops()) {
        const record = reloaded.view().find((todo) => todo.id === op.recordId)
        // The edit shows on the confirmed record, and the version it was made on is the one sent.
        expect(record, `crash after ${crashAt} writes: ${op.recordId}`).toMatchObject(op.data!)
        expect(record!.version, `crash after ${crashAt} writes: ${op.recordId}`).toBe(op.baseVersion)
        const entry = trieGet(state.todos.pending, idPath(op.recordId))
        expect(entry?.madeOn?.version, `crash after ${crashAt} writes: ${op.recordId}`).toBe(op.baseVersion)
      }
      reloaded.sync.stop()
    }
  })
})

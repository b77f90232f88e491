import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMockBackend } from '../../src/msw'
import { selectLocalId, selectServerId } from '../../src'
import { useMswServer } from '../support/mswServer'
import { freshStorage } from '../support/persistedStore'
import { baseUrl, openStore } from './support'

const backend = createMockBackend({ baseUrl, assignIds: true, now: () => 1 })
useMswServer(...backend.handlers)
const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  backend.reset()
})

function open(...args: Parameters<typeof openStore>) {
  const page = openStore(...args)
  stops.push(() => {
    page.sync.stop()
    page.persistor?.stop()
  })
  return page
}

const posts = () => backend.requests.filter((request) => request.method === 'POST')

describe('server-assigned ids with persistence', () => {
  it('a reload mid-create sends the same create again under its key: the server replays the id it gave, and makes no second record', async () => {
    const storage = freshStorage()
    // No retry before the page is gone.
    const first = open({ storage, retry: { baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 } })
    await first.persistor!.ready
    first.store.dispatch(first.lists.actions.added({ id: 'tmp-list', name: 'Groceries' }))
    first.store.dispatch(first.items.actions.added({ id: 'tmp-item', title: 'Milk', listId: 'tmp-list' }))
    await first.persistor!.flush()
    // The server creates the list, then the page is gone before the answer is read.
    backend.failNext(1, 'lost-response', { methods: ['POST'] })
    first.network.setOnline(true)
    await vi.waitFor(() => expect(first.status().nextAttemptAt).not.toBeNull())
    expect(posts()).toHaveLength(1)
    first.sync.stop()
    first.persistor!.stop()

    const second = open({ storage })
    await second.persistor!.ready
    // Restored as it was: the item still refers to the temporary id, and waits.
    expect(second.allItems()).toEqual([expect.objectContaining({ id: 'tmp-item', listId: 'tmp-list' })])
    second.network.setOnline(true)
    await vi.waitFor(() => expect(second.status().pending).toBe(0))
    expect(posts().map((request) => [request.path, request.idempotencyKey, request.replayed])).toEqual([
      ['/lists', posts()[0]!.idempotencyKey, false],
      ['/lists', posts()[0]!.idempotencyKey, true],
      ['/items', expect.any(String), false],
    ])
    expect(backend.records('lists')).toHaveLength(1)
    expect(backend.record('items', '1')).toMatchObject({ listId: '1' })
    expect(second.allLists()).toEqual(backend.records('lists'))
    expect(second.allItems()).toEqual(backend.records('items'))
    await second.persistor!.flush()
    second.sync.stop()
    second.persistor!.stop()

    // The id map and the remapped records are stored: a third load reads them back.
    const third = open({ storage })
    await third.persistor!.ready
    expect(third.allItems()).toEqual(backend.records('items'))
    expect(third.ops()).toEqual([])
    expect(selectServerId(third.store.getState(), 'lists', 'tmp-list')).toBe('1')
    expect(selectLocalId(third.store.getState(), 'items', '1')).toBe('tmp-item')
  })

  it('operations waiting for a create are stored and restored, and sent with the server id after the reload', async () => {
    const storage = freshStorage()
    const first = open({ storage, coalesce: false })
    await first.persistor!.ready
    first.store.dispatch(first.lists.actions.added({ id: 'tmp-list', name: 'Groceries' }))
    first.store.dispatch(first.lists.actions.updated({ id: 'tmp-list', changes: { name: 'Food' } }))
    first.store.dispatch(first.items.actions.added({ id: 'tmp-item', title: 'Milk', listId: 'tmp-list' }))
    await first.persistor!.flush()
    first.sync.stop()
    first.persistor!.stop()

    const second = open({ storage })
    await second.persistor!.ready
    expect(second.ops().map((op) => [op.entity, op.kind, op.recordId])).toEqual([
      ['lists', 'create', 'tmp-list'],
      ['lists', 'update', 'tmp-list'],
      ['items', 'create', 'tmp-item'],
    ])
    second.network.setOnline(true)
    await vi.waitFor(() => expect(second.status().pending).toBe(0))
    const writes = backend.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`)
    // The list's create first; then its update and the item's create, in one batch (in parallel).
    expect(writes[0]).toBe('POST /lists')
    expect(writes.slice(1).sort()).toEqual(['PATCH /lists/1', 'POST /items'])
    expect(backend.record('items', '1')).toMatchObject({ listId: '1' })
    expect(second.allLists()).toEqual([expect.objectContaining({ id: '1', name: 'Food' })])
  })

  it('a pull that brings the created record before the answer does: one record, under the server id, once the create is answered', async () => {
    const page = open({ pull: true, retry: { baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 } })
    page.store.dispatch(page.lists.actions.added({ id: 'tmp-list', name: 'Groceries' }))
    page.store.dispatch(page.lists.actions.updated({ id: 'tmp-list', changes: { name: 'Food' } }))
    // Applied by the server, the answer lost; the create waits for its retry.
    backend.failNext(1, 'lost-response', { methods: ['POST'] })
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().nextAttemptAt).not.toBeNull())
    // A pull brings the record as '1': until the create is answered, the client cannot know it is its own.
    page.store.dispatch(page.sync.actions.pullNow('lists'))
    await vi.waitFor(() => expect(page.allLists().map((list) => list.id)).toEqual(['tmp-list', '1']))
    page.store.dispatch(page.sync.actions.syncNow())
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(backend.records('lists')).toHaveLength(1)
    expect(page.allLists()).toEqual(backend.records('lists'))
    expect(page.allLists()[0]).toMatchObject({ id: '1', name: 'Food' })
  })
})

import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMockBackend } from '../../src/msw'
import { selectLocalId, selectServerId } from '../../src'
import { useMswServer } from '../support/mswServer'
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
  stops.push(() => page.sync.stop())
  return page
}

/** The backend's writes, as `METHOD path body-id` lines. */
const writes = () => backend.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`)

describe('server-assigned ids', () => {
  it('a list and its item made offline are created with the server ids, in order, and the store moves to them', async () => {
    const page = open()
    page.store.dispatch(page.lists.actions.added({ id: 'tmp-list', name: 'Groceries' }))
    page.store.dispatch(page.items.actions.added({ id: 'tmp-item', title: 'Milk', listId: 'tmp-list' }))
    page.store.dispatch(page.items.actions.updated({ id: 'tmp-item', changes: { title: 'Oat milk' } }))
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    // The item's create went only after the list's was confirmed, with the list's server id.
    expect(writes()).toEqual(['POST /lists', 'POST /items'])
    expect(backend.requests[1]!.body).toMatchObject({ listId: '1', title: 'Oat milk' })
    expect(page.allLists()).toEqual([backend.record('lists', '1')])
    expect(page.allItems()).toEqual([backend.record('items', '1')])
    expect(page.allItems()[0]).toMatchObject({ id: '1', listId: '1', title: 'Oat milk' })
        expect(selectServerId(page.store.getState(), 'lists', 'tmp-list')).toBe('1')
    expect(selectLocalId(page.store.getState(), 'items', '1')).toBe('tmp-item')
    expect(selectLocalId(page.store.getState(), 'items', 'nope')).toBeUndefined()
    expect(page.errors).toEqual([])
  })

  it('an update and a delete of a record whose create is on its way wait for it and go to the server id', async () => {
    const page = open({ coalesce: false })
    page.store.dispatch(page.lists.actions.added({ id: 'tmp-a', name: 'A' }))
    page.store.dispatch(page.lists.actions.updated({ id: 'tmp-a', changes: { name: 'A2' } }))
    page.store.dispatch(page.lists.actions.added({ id: 'tmp-b', name: 'B' }))
    page.store.dispatch(page.lists.actions.removed('tmp-b'))
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(writes()).toEqual(['POST /lists', 'POST /lists', 'PATCH /lists/1', 'DELETE /lists/2'])
    expect(backend.records('lists')).toEqual([expect.objectContaining({ id: '1', name: 'A2', version: 2 })])
    expect(page.allLists()).toEqual(backend.records('lists'))
  })

  it('the remap is one action: every state a subscriber sees is whole (old ids everywhere, or new ids everywhere)', async () => {
    const page = open()
    page.store.dispatch(page.lists.actions.added({ id: 'tmp-list', name: 'Groceries' }))
    page.store.dispatch(page.items.actions.added({ id: 'tmp-item', title: 'Milk', listId: 'tmp-list' }))
    const seen: string[] = []
    page.store.subscribe(() => {
      const state = page.store.getState()
      const listIds = page.lists.selectors.selectIds(state).join()
      const refs = page.allItems().map((item) => item.listId).join()
      const opIds = page.ops().filter((op) => op.entity === 'lists').map((op) => String(op.recordId)).join()
      seen.push(`${listIds}|${refs}|${opIds}`)
    })
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    for (const line of seen) {
      const [listIds, refs] = line.split('|')
      // An item never refers to a list the view does not have.
      expect(listIds!.split(',')).toContain(refs)
    }
    expect(seen.at(-1)).toBe('1|1|')
  })

  it('an app still holding a temporary id after the remap changes the record under its server id', async () => {
    const page = open()
    page.store.dispatch(page.lists.actions.added({ id: 'tmp-list', name: 'Groceries' }))
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    page.store.dispatch(page.lists.actions.updated({ id: 'tmp-list', changes: { name: 'Food' } }))
    page.store.dispatch(page.items.actions.added({ id: 'tmp-item', title: 'Bread', listId: 'tmp-list' }))
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(backend.record('lists', '1')).toMatchObject({ name: 'Food' })
    expect(backend.record('items', '1')).toMatchObject({ listId: '1' })
    expect(page.allItems()).toEqual([backend.record('items', '1')])
  })

  it("a refused create fails what waits for it, each with a reason that names the create; nothing of it is sent", async () => {
    const page = open()
    page.store.dispatch(page.lists.actions.added({ id: 'tmp-list', name: 'Groceries' }))
    page.store.dispatch(page.items.actions.added({ id: 'tmp-item', title: 'Milk', listId: 'tmp-list' }))
    page.store.dispatch(page.lists.actions.added({ id: 'tmp-other', name: 'Other' }))
    backend.failNext(1, 422, { body: { message: 'name is taken' }, methods: ['POST'] })
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status()).toMatchObject({ pending: 0, failed: 2 }))
    expect(writes()).toEqual(['POST /lists', 'POST /lists'])
    const failed = page.failed()
    expect(failed.map((op) => [op.entity, op.recordId, op.lastError?.code])).toEqual([
      ['lists', 'tmp-list', expect.any(String)],
      ['items', 'tmp-item', 'dependency-failed'],
    ])
    expect(failed[1]!.lastError!.message).toContain('lists "tmp-list"')
    expect(failed[1]!.lastError!.message).toContain('name is taken')
    // Rolled back: the refused list and its item are gone from the view; the other list is created.
    expect(page.allLists()).toEqual([backend.record('lists', '1')])
    expect(page.allItems()).toEqual([])
  })

  it("a change another tab made before it heard of the create's answer goes with the server id", async () => {
    const page = open()
    page.store.dispatch(page.lists.actions.added({ id: 'tmp-list', name: 'Groceries' }))
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    // As a lagging tab stamped it (still naming the temporary id), and the channel delivered it here.
    const item = { id: 'tmp-item', title: 'Milk', listId: 'tmp-list' }
    const change = { kind: 'create' as const, data: item }
    page.store.dispatch({
      type: 'items/added',
      payload: item,
      meta: {
        offlineEntity: 'items',
        remoteTab: 'other-tab',
        offline: { entity: 'items', at: 1, userId: null, stamps: [{ recordId: 'tmp-item', change, queued: change, coalesced: false, seq: 99, id: 'lagging-op', baseVersion: null, madeOn: null }] },
      },
    })
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(backend.requests.at(-1)).toMatchObject({ method: 'POST', path: '/items', idempotencyKey: 'lagging-op', body: { listId: '1' } })
    expect(page.allItems()).toEqual([backend.record('items', '1')])
  })
})

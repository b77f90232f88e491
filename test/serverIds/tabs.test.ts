import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMockBackend } from '../../src/msw'
import { createFakeLocks } from '../support/fakeLocks'
import { selectServerId } from '../../src'
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
let run = 0

describe('server-assigned ids in two tabs', () => {
  it('a list and item made in the tab that does not send are created once, by the sender, and both tabs move to the server ids', async () => {
    const storage = freshStorage()
    const persist = { tabs: true, locks: createFakeLocks(), key: `server-ids-tabs-${++run}` }
    const a = openStore({ storage, persist })
    stops.push(() => (a.sync.stop(), a.persistor!.stop()))
    await a.persistor!.ready
    const b = openStore({ storage, persist })
    stops.push(() => (b.sync.stop(), b.persistor!.stop()))
    await b.persistor!.ready
    b.store.dispatch(b.lists.actions.added({ id: 'tmp-list', name: 'Groceries' }))
    b.store.dispatch(b.items.actions.added({ id: 'tmp-item', title: 'Milk', listId: 'tmp-list' }))
    await vi.waitFor(() => expect(a.status().pending).toBe(2))
    a.network.setOnline(true)
    b.network.setOnline(true)
    await vi.waitFor(() => expect(a.status().pending).toBe(0))
    await vi.waitFor(() => expect(b.status().pending).toBe(0))
    expect(backend.requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual(['/lists', '/items'])
    for (const tab of [a, b]) {
      await vi.waitFor(() => expect(tab.allItems()).toEqual(backend.records('items')))
      expect(tab.allLists()).toEqual(backend.records('lists'))
      expect(selectServerId(tab.store.getState(), 'items', 'tmp-item')).toBe('1')
    }
  })
})

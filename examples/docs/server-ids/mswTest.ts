import { configureStore } from '@reduxjs/toolkit'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createRestAdapter,
  createSyncedEntity,
  selectServerId,
  serverAssignedIds,
} from 'rtk-offline'
import { createMockBackend } from 'rtk-offline/msw'

interface List {
  id: string
  name: string
  version?: number
}

const baseUrl = 'http://localhost/api'
// `assignIds: true` numbers created records '1', '2', … per collection, as an autoincrement key would.
const backend = createMockBackend({ baseUrl, assignIds: true })
const server = setupServer(...backend.handlers)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => backend.reset())
afterAll(() => server.close())

it('a list created offline takes the id the server gives it', async () => {
  const lists = createSyncedEntity<List>({ name: 'lists', serverIds: serverAssignedIds() })
  const network = createManualNetworkStatus(false)
  const sync = createOfflineSync({ entities: [lists], adapter: createRestAdapter({ baseUrl }), network })
  const store = configureStore({
    reducer: { lists: lists.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  store.dispatch(lists.actions.added({ id: 'temp-1', name: 'Groceries' }))
  network.setOnline(true)
  await vi.waitFor(() => expect(sync.selectors.selectStatus(store.getState()).pending).toBe(0))
  expect(lists.selectors.selectIds(store.getState())).toEqual(['1'])
  expect(selectServerId(store.getState(), 'lists', 'temp-1')).toBe('1')
  sync.stop()
})

import { configureStore } from '@reduxjs/toolkit'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'
import { createMockBackend } from 'rtk-offline/msw'

interface Note {
  id: string
  text: string
  version?: number
}

const baseUrl = 'http://localhost/api'
const backend = createMockBackend({ baseUrl })
const server = setupServer(...backend.handlers)
const stops: Array<() => void> = []

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  for (const stop of stops.splice(0)) stop() // no engine outlives its test
  backend.reset()
})
afterAll(() => server.close())

function createApp() {
  const notes = createSyncedEntity<Note>({ name: 'notes' })
  const network = createManualNetworkStatus(false) // offline until the test says otherwise
  const sync = createOfflineSync({ entities: [notes], adapter: createRestAdapter({ baseUrl }), network, retry: { baseDelayMs: 0 } })
  const store = configureStore({
    reducer: { notes: notes.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  stops.push(sync.stop)
  return { notes, network, store, status: () => sync.selectors.selectStatus(store.getState()) }
}

it('sends a note written offline once the device is online', async () => {
  const { notes, network, store, status } = createApp()
  store.dispatch(notes.actions.added({ id: 'n1', text: 'Offline thought' }))
  expect(status()).toMatchObject({ phase: 'offline', pending: 1 })

  network.setOnline(true)
  await vi.waitFor(() => expect(status().pending).toBe(0))
  expect(backend.records('notes')).toEqual([{ id: 'n1', text: 'Offline thought', version: 1, updatedAt: expect.any(Number) }])
})

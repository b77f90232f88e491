import { afterEach, expect, it, vi } from 'vitest'
import { makeStore, sync, notes } from '../../examples/docs/ssr/notes'
import { notesState } from '../../examples/docs/ssr/notesState'

afterEach(() => vi.unstubAllGlobals())

const records = [
  { id: 'a', text: 'From the database', version: 3 },
  { id: 'b', text: 'Another', version: 1 },
]

it("makes a store on the server (no window) that holds the server's records and never reaches the network", async () => {
  const fetch = vi.fn()
  vi.stubGlobal('fetch', fetch)
  const store = makeStore({ notes: notesState(records) })
  await new Promise((resolve) => setTimeout(resolve, 50))

  expect(notes.selectors.selectAll(store.getState())).toEqual(records)
  expect(sync.selectors.selectStatus(store.getState())).toMatchObject({ phase: 'idle', pending: 0, lastError: null })
  expect(fetch).not.toHaveBeenCalled()
  // What the page hands to the client is plain JSON.
  expect(JSON.parse(JSON.stringify(store.getState()))).toEqual(store.getState())
})

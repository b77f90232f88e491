import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRestAdapter } from '../../src'
import { createFakeLocks } from '../support/fakeLocks'
import { freshStorage, loadPage } from '../support/persistedStore'
import { createRestBackend } from '../support/restBackend'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4031/api'
const backend = createRestBackend({ baseUrl })
useMswServer(...backend.handlers)
afterEach(() => backend.reset())

describe('loadedFromServer with tabs', () => {
  it('reaches the other tab as a pulled page does, pending changes kept on top in both', async () => {
    const storage = freshStorage()
    const persist = { tabs: true, locks: createFakeLocks(), key: 'tabs-load-test' }
    const a = loadPage(storage, createRestAdapter({ baseUrl }), { persist })
    await a.persistor.ready
    const b = loadPage(storage, createRestAdapter({ baseUrl }), { persist })
    await b.persistor.ready
    try {
      b.store.dispatch(b.todos.actions.added({ id: 'mine', title: 'Made in B', done: false }))
      await vi.waitFor(() => expect(a.view().map((todo) => todo.id)).toEqual(['mine']))
      a.store.dispatch(a.todos.actions.loadedFromServer([{ id: 's1', title: 'From the server', done: false, version: 3 }]))
      const expected = [
        { id: 's1', title: 'From the server', done: false, version: 3 },
        { id: 'mine', title: 'Made in B', done: false },
      ]
      expect(a.view()).toEqual(expected)
      await vi.waitFor(() => expect(b.view()).toEqual(expected))
      expect(a.ops().map((op) => op.recordId)).toEqual(['mine'])
      expect(b.ops().map((op) => op.recordId)).toEqual(['mine'])
    } finally {
      a.sync.stop()
      b.sync.stop()
    }
  })
})

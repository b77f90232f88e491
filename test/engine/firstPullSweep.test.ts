import { configureStore } from '@reduxjs/toolkit'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity } from '../../src'
import { advance } from '../support/driver'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter } from '../support/scriptedAdapter'

// A pull from no cursor lists every live record (the backend contract); onto records the store already
// holds confirmed (here from initialState, as a server render or an existing slice has them), it reads the
// whole feed and then removes those it did not list: deleted on the server since.

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

interface Todo {
  id: string
  title: string
  version?: number
}

it('removes, at the end of the first pull, the records of initialState it did not list, and keeps one made here and not sent', async () => {
  const scripted = createScriptedAdapter()
  const pulls = createPullScript()
  pulls.setIdle(false)
  const seeded = [
    { id: 'x', title: 'X', version: 1 },
    { id: 'y', title: 'Y', version: 1 },
  ]
  const todos = createSyncedEntity<Todo>({
    name: 'todos',
    initialState: { ids: seeded.map((todo) => todo.id), entities: Object.fromEntries(seeded.map((todo) => [todo.id, todo])) },
  })
  const sync = createOfflineSync({
    entities: [todos],
    adapter: { ...scripted.adapter, pull: pulls.pull },
    network: createManualNetworkStatus(true),
    now: () => Date.now(),
    random: () => 0.5,
    pullIntervalMs: 0,
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  store.dispatch(todos.actions.added({ id: 'n', title: 'mine' }))
  await advance()
  expect(pulls.calls[0]?.cursor).toBeNull()
  // Two pages: nothing is removed before the end of the feed.
  pulls.answer({ changes: [{ id: 'x', record: { id: 'x', title: 'X', version: 1 } }], cursor: 'p1', hasMore: true })
  await advance()
  expect(todos.selectors.selectIds(store.getState())).toEqual(['x', 'y', 'n'])
  pulls.answer({ changes: [], cursor: 'p2', hasMore: false })
  await advance()
  expect(todos.selectors.selectIds(store.getState())).toEqual(['x', 'n'])
  sync.stop()
})

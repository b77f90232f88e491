import { configureStore } from '@reduxjs/toolkit'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, SyncHttpError } from '../../src'
import { advance } from '../support/driver'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter, retry } from '../support/scriptedAdapter'

// Durability invariant 3 for a start-over's sweep (seed 104 of test/protocolChaos, the protocol adapter
// against the real server): an update applied on the server, its answer lost; the record deleted there by
// someone else; the pull starts over from no cursor (no tombstones) and, asking about the update, gets the
// server's stored answer: the record as it was when the update was applied. The sweep spared the record
// as "confirmed meanwhile, so known to the server", and the deleted record stayed on this client for good.

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

function setup() {
  const scripted = createScriptedAdapter()
  const pulls = createPullScript()
  const todos = createSyncedEntity<Todo>({ name: 'todos' })
  let n = 0
  const sync = createOfflineSync({
    entities: [todos],
    adapter: { ...scripted.adapter, pull: pulls.pull },
    network: createManualNetworkStatus(true),
    now: () => Date.now(),
    random: () => 0.5,
    generateId: () => `op-${++n}`,
    pullIntervalMs: 0,
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  return { store, todos, sync, scripted, pulls, view: () => todos.selectors.selectAll(store.getState()) }
}

/** `a` pulled at v1; an update of it applied by the server (v2) whose answer was lost. */
async function updateWithLostAnswer() {
  const t = setup()
  t.pulls.setIdle(false)
  await advance()
  t.pulls.answer({ changes: [{ id: 'a', record: { id: 'a', title: 'A', version: 1 } }], cursor: 'c1', hasMore: false })
  await advance()
  t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { title: 'B' } }))
  await advance()
  t.scripted.answer(() => retry())
  await advance()
  return t
}

it("a start-over whose page brings a stored answer for a record deleted meanwhile removes the record (the answer confirms the update)", async () => {
  const t = await updateWithLostAnswer()
  t.store.dispatch(t.sync.actions.pullNow('todos'))
  await advance()
  // The server no longer knows the cursor: the pull starts over from the start of the feed.
  expect(t.pulls.calls.at(-1)).toMatchObject({ cursor: 'c1', unanswered: ['op-1'] })
  t.pulls.fail(new SyncHttpError(410, 'cursor gone'))
  await advance()
  expect(t.pulls.calls.at(-1)).toMatchObject({ cursor: null, unanswered: ['op-1'] })
  // Someone deleted `a` after the update: the feed lists nothing, the stored answer shows `a` at v2.
  t.pulls.answer({ changes: [], cursor: 'c3', hasMore: false, answered: [{ id: 'op-1', outcome: { type: 'ok', record: { id: 'a', title: 'B', version: 2 } } }] })
  await advance()
  expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  expect(t.view()).toEqual([])
  expect(t.scripted.sent()).toEqual([['op-1']])
})

it('a start-over whose feed still lists the record keeps it, at the newer of the stored answer and the page', async () => {
  const t = await updateWithLostAnswer()
  t.store.dispatch(t.sync.actions.pullNow('todos'))
  await advance()
  t.pulls.fail(new SyncHttpError(410, 'cursor gone'))
  await advance()
  t.pulls.answer({
    changes: [{ id: 'a', record: { id: 'a', title: 'C', version: 3 } }],
    cursor: 'c3',
    hasMore: false,
    answered: [{ id: 'op-1', outcome: { type: 'ok', record: { id: 'a', title: 'B', version: 2 } } }],
  })
  await advance()
  expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  expect(t.view()).toEqual([{ id: 'a', title: 'C', version: 3 }])
})

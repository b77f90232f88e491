import { configureStore } from '@reduxjs/toolkit'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, serverAssignedIds } from '../../src'
import { advance } from '../support/driver'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter, ok, retry } from '../support/scriptedAdapter'

// Durability invariant 3 for a create's answer that may be the server's stored one given again (chaos seed
// 2836): the server assigns ids, so the tombstone a pull brought for the created record named an id this
// client did not know yet; the stored answer then put the deleted record back for good (the cursor was
// past its tombstone). Such an answer confirms the create, and the entity's feed is read again from the
// start (src/middleware/handlers/pull.ts): what the feed no longer lists goes.

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
  const todos = createSyncedEntity<Todo>({ name: 'todos', serverIds: serverAssignedIds() })
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

/** A create the server applied as s1, whose answer was lost; then a pull is asked for. */
async function createWithLostAnswer() {
  const t = setup()
  await advance()
  t.pulls.setIdle(false)
  t.store.dispatch(t.todos.actions.added({ id: 'tmp-1', title: 'A' }))
  await advance()
  t.scripted.answer(() => retry())
  await advance()
  t.store.dispatch(t.sync.actions.pullNow('todos'))
  await advance()
  return t
}

it('a replayed answer to a create whose record was deleted meanwhile confirms it, and the whole read of the feed removes the record', async () => {
  const t = await createWithLostAnswer()
  // Someone else deleted s1: the pull brings a tombstone for an id this client does not know yet.
  t.pulls.answer({ changes: [{ id: 's1', record: null }], cursor: 'c3', hasMore: false })
  await advance()
  // The create goes again under its key and gets the stored answer: s1 as it was when created.
  await vi.advanceTimersByTimeAsync(10_000)
  t.scripted.answer(() => ok({ id: 's1', title: 'A', version: 1 }))
  await advance()
  expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  // The feed is read again from its start; it no longer lists s1.
  expect(t.pulls.calls.at(-1)?.cursor).toBeNull()
  t.pulls.answer({ changes: [], cursor: 'c4', hasMore: false })
  await advance()
  expect(t.view()).toEqual([])
  expect(t.sync.selectors.selectPullProgress(t.store.getState()).entities.todos).toMatchObject({ cursor: 'c4', resyncing: false })
  expect(t.scripted.sent()).toEqual([['op-1'], ['op-1']])
})

it("a create confirmed by a pull's answer (a stored answer too) starts the pull over, which removes a record deleted meanwhile (chaos seed 520 --no-tabs)", async () => {
  const t = await createWithLostAnswer()
  // The pull asks about the create; the page brings the tombstone of s1 (an id not known here yet) and
  // the stored answer: s1 as it was created.
  expect(t.pulls.calls.at(-1)?.unanswered).toEqual(['op-1'])
  t.pulls.answer({ changes: [{ id: 's1', record: null }], cursor: 'c3', hasMore: false, answered: [{ id: 'op-1', outcome: { type: 'ok', record: { id: 's1', title: 'A', version: 1 } } }] })
  await advance()
  expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  expect(t.pulls.calls.at(-1)?.cursor).toBeNull()
  t.pulls.answer({ changes: [], cursor: 'c4', hasMore: false })
  await advance()
  expect(t.view()).toEqual([])
  expect(t.scripted.sent()).toEqual([['op-1']])
})

it('a first answer to a create starts nothing over', async () => {
  const t = setup()
  await advance()
  t.pulls.setIdle(false)
  t.store.dispatch(t.todos.actions.added({ id: 'tmp-1', title: 'A' }))
  await advance()
  t.scripted.answer(() => ok({ id: 's1', title: 'A', version: 1 }))
  await advance()
  // The pull after the drain goes on from the cursor.
  expect(t.pulls.calls.at(-1)?.cursor).toBe('c0')
  expect(t.view()).toEqual([{ id: 's1', title: 'A', version: 1 }])
})

it('a late first answer to a create, after a pull brought the tombstone of its server id, starts the pull over (chaos seed 16718)', async () => {
  const t = setup()
  await advance()
  t.pulls.setIdle(false)
  t.store.dispatch(t.todos.actions.added({ id: 'tmp-1', title: 'A' }))
  await advance()
  // The server applied the create as s1; its answer is slow. Meanwhile someone deletes s1, and a pull
  // brings the tombstone of an id this client cannot match yet.
  t.store.dispatch(t.sync.actions.pullNow('todos'))
  await advance()
  t.pulls.answer({ changes: [{ id: 's1', record: null }], cursor: 'c3', hasMore: false })
  await advance()
  // The first answer comes now: s1 as it was when created.
  t.scripted.answer(() => ok({ id: 's1', title: 'A', version: 1 }))
  await advance()
  expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  expect(t.pulls.calls.at(-1)?.cursor).toBeNull()
  t.pulls.answer({ changes: [], cursor: 'c4', hasMore: false })
  await advance()
  expect(t.view()).toEqual([])
  expect(t.scripted.sent()).toEqual([['op-1']])
})

it('a first answer to a create after a pull that brought no tombstone starts nothing over', async () => {
  const t = setup()
  await advance()
  t.pulls.setIdle(false)
  t.store.dispatch(t.todos.actions.added({ id: 'tmp-1', title: 'A' }))
  await advance()
  t.store.dispatch(t.sync.actions.pullNow('todos'))
  await advance()
  t.pulls.answer({ changes: [{ id: 'x', record: { id: 'x', title: 'X', version: 1 } }], cursor: 'c3', hasMore: false })
  await advance()
  t.scripted.answer(() => ok({ id: 's1', title: 'A', version: 1 }))
  await advance()
  expect(t.pulls.calls.at(-1)?.cursor).toBe('c3')
  expect(t.view()).toEqual([
    { id: 's1', title: 'A', version: 1 },
    { id: 'x', title: 'X', version: 1 },
  ])
})

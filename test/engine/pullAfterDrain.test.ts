import { configureStore } from '@reduxjs/toolkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity } from '../../src'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'
import { type Todo } from '../support/testStore'
import { advance } from '../support/driver'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

function setup() {
  const scripted = createScriptedAdapter()
  scripted.autoRespond((op) => ok(op.kind === 'delete' ? undefined : { ...op.data, id: op.recordId, version: 1 }))
  const pulls = createPullScript()
  const todos = createSyncedEntity<Todo>({ name: 'todos' })
  const notes = createSyncedEntity<{ id: string; text: string }>({ name: 'notes' })
  let n = 0
  const sync = createOfflineSync({
    entities: [todos, notes],
    adapter: { ...scripted.adapter, pull: pulls.pull },
    network: createManualNetworkStatus(true),
    now: () => Date.now(),
    random: () => 0.5,
    generateId: () => `op-${++n}`,
    pullIntervalMs: 0,
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, notes: notes.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  /** Entities pulled since `from`, in order. */
  const pulled = (from: number) => pulls.calls.slice(from).map((call) => call.entity)
  return { store, todos, notes, sync, scripted, pulls, pulled }
}

describe('pulling after a drain', () => {
  it('one write pulls only the entity it touched, once', async () => {
    const { store, todos, pulls, pulled, sync } = setup()
    await advance()
    expect(pulled(0)).toEqual(['todos', 'notes'])
    const from = pulls.calls.length
    store.dispatch(todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    expect(pulled(from)).toEqual(['todos'])
    sync.stop()
  })

  it('five quick edits while a pull runs cause one more pull of that entity, not one (or two) per edit', async () => {
    const { store, todos, pulls, pulled, scripted, sync } = setup()
    await advance()
    const from = pulls.calls.length
    pulls.setIdle(false)
    store.dispatch(todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    expect(pulled(from)).toEqual(['todos'])
    for (let edit = 1; edit <= 5; edit++) {
      store.dispatch(todos.actions.updated({ id: 'a', changes: { title: `A${edit}` } }))
      await advance()
    }
    expect(scripted.calls).toHaveLength(6)
    pulls.answer({ changes: [], cursor: 'c1', hasMore: false })
    await advance()
    pulls.answer({ changes: [], cursor: 'c2', hasMore: false })
    await advance()
    expect(pulled(from)).toEqual(['todos', 'todos'])
    expect(pulls.waitingCount()).toBe(0)
    sync.stop()
  })
})

import { configureStore, type UnknownAction } from '@reduxjs/toolkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity } from '../../src'
import { advance } from '../support/driver'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'
import type { Todo } from '../support/testStore'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

/**
 * A store where settling answers costs 10 ms of the engine's clock, as it does on a large store (each
 * settle copies the entity map): the drain then holds confirmed batches and settles several in one
 * opsSettled (src/middleware/shared/heldAnswers.ts). One request at a time, no coalescing.
 */
function setup() {
  const scripted = createScriptedAdapter()
  const todos = createSyncedEntity<Todo>({ name: 'todos', pull: false })
  const network = createManualNetworkStatus(false)
  const clock = { now: 1_000_000 }
  let nextId = 0
  const sync = createOfflineSync({
    entities: [todos],
    adapter: scripted.adapter,
    network,
    now: () => clock.now,
    random: () => 0.5,
    generateId: () => `op-${++nextId}`,
    batchSize: 1,
    coalesce: false,
  })
  const settles: string[][] = []
  const store = configureStore({
    reducer: {
      todos: todos.reducer,
      [sync.reducerPath]: sync.reducer,
      // The cost of a settle on a large store, on the engine's clock.
      cost: (state: number = 0, action: UnknownAction) => {
        if (action.type !== 'offline/opsSettled') return state
        settles.push((action as UnknownAction & { payload: { results: Array<{ recordId: string }> } }).payload.results.map((result) => result.recordId))
        clock.now += 10
        return state + 1
      },
    },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  const version = (id: string) => todos.selectors.selectById(store.getState(), id)?.version
  const sent = () => scripted.calls.map((call) => call.operations.map((op) => `${String(op.recordId)}:${op.data?.title as string}`))
  const answer = () => scripted.answer((op) => ok({ id: op.recordId, title: op.data?.title, done: false, version: 2 }))
  const status = () => sync.selectors.selectStatus(store.getState())
  return { store, todos, network, scripted, settles, version, sent, answer, status, sync }
}

describe('answers held on a store where settling is costly', () => {
  it('settle several batches in one opsSettled, while the next request is in flight, and all before the drain rests', async () => {
    const { store, todos, network, settles, version, sent, answer, status } = setup()
    store.dispatch(
      todos.actions.addedMany(['a', 'b', 'c', 'd'].map((id) => ({ id, title: id, done: false }))),
    )
    network.setOnline(true)
    await advance()
    // The first answer settles at once (and shows what a settle costs: 10 ms).
    answer()
    await advance()
    expect(settles).toEqual([['a']])
    expect(version('a')).toBe(2)
    // The next confirmations are held while the requests after them go out.
    answer()
    await advance()
    answer()
    await advance()
    expect(sent()).toEqual([['a:a'], ['b:b'], ['c:c'], ['d:d']])
    expect(settles).toEqual([['a']])
    expect([version('b'), version('c')]).toEqual([undefined, undefined])
    expect(status()).toMatchObject({ pending: 3, inflight: 3 })
    // Held at most 8 × the settle's cost: then b and c settle in one dispatch, d still in flight.
    await advance(80)
    expect(settles).toEqual([['a'], ['b', 'c']])
    expect([version('b'), version('c'), version('d')]).toEqual([2, 2, undefined])
    expect(status()).toMatchObject({ pending: 1, inflight: 1 })
    // The last answer is settled before the drain rests.
    answer()
    await advance()
    expect(settles).toEqual([['a'], ['b', 'c'], ['d']])
    expect(status()).toMatchObject({ phase: 'idle', pending: 0, inflight: 0 })
  })

  it('never let a held answer change the send order: a record waiting behind one goes in its turn', async () => {
    const { store, todos, network, settles, sent, answer, status } = setup()
    store.dispatch(todos.actions.addedMany(['x', 'a', 'b'].map((id) => ({ id, title: id, done: false }))))
    store.dispatch(todos.actions.updated({ id: 'a', changes: { title: 'a2' } }))
    store.dispatch(todos.actions.added({ id: 'c', title: 'c', done: false }))
    store.dispatch(todos.actions.updated({ id: 'b', changes: { title: 'b2' } }))
    network.setOnline(true)
    await advance()
    answer() // x: settled at once
    await advance()
    answer() // a's create: held; b's create goes next (a's update waits behind a's create)
    await advance()
    expect(sent()).toEqual([['x:x'], ['a:a'], ['b:b']])
    expect(settles).toEqual([['x']])
    // b's create answered: c would be picked, but a's update is older, so what is held settles first.
    answer()
    await advance()
    expect(settles).toEqual([['x'], ['a', 'b']])
    expect(sent()).toEqual([['x:x'], ['a:a'], ['b:b'], ['a:a2']])
    for (let i = 0; i < 3; i++) {
      answer()
      await advance()
    }
    expect(sent()).toEqual([['x:x'], ['a:a'], ['b:b'], ['a:a2'], ['c:c'], ['b:b2']])
    expect(settles).toEqual([['x'], ['a', 'b'], ['a', 'c', 'b']])
    expect(status()).toMatchObject({ phase: 'idle', pending: 0, inflight: 0 })
  })

  it('drop held answers when the engine stops, as any late answer: nothing is applied after stop()', async () => {
    const { store, todos, network, settles, answer, sync, status } = setup()
    store.dispatch(todos.actions.addedMany(['a', 'b', 'c'].map((id) => ({ id, title: id, done: false }))))
    network.setOnline(true)
    await advance()
    answer()
    await advance()
    answer() // b: held, c in flight
    await advance()
    expect(settles).toEqual([['a']])
    sync.stop()
    await advance(1000)
    expect(settles).toEqual([['a']])
    // b and c stay in flight in the stopped store: a restart sends them again under their keys.
    expect(status()).toMatchObject({ pending: 2, inflight: 2 })
  })
})

import { configureStore, createEntityAdapter } from '@reduxjs/toolkit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, SyncValidationError } from '../../src'
import { replay } from '../../src/core/change'
import { createScriptedAdapter } from '../support/scriptedAdapter'

// The replay invariant (DESIGN.md) through an existing slice's actions: after any mix of changes, upserts
// and loads of the server's records, each record's view is its last loaded state with its pending
// operations replayed in order, and the view is in sortComparer's order.

interface Todo {
  id: string
  title: string
  done?: boolean
  version?: number
}
const ids = ['a', 'b', 'c'] as const

const step = fc.oneof(
  fc.record({ t: fc.constant('added' as const), id: fc.constantFrom(...ids), title: fc.string({ maxLength: 2 }) }),
  fc.record({ t: fc.constant('upserted' as const), id: fc.constantFrom(...ids), title: fc.string({ maxLength: 2 }), done: fc.option(fc.boolean(), { nil: undefined }) }),
  fc.record({ t: fc.constant('updated' as const), id: fc.constantFrom(...ids), done: fc.boolean() }),
  fc.record({ t: fc.constant('removed' as const), id: fc.constantFrom(...ids) }),
  fc.record({
    t: fc.constant('loaded' as const),
    records: fc.uniqueArray(fc.record({ id: fc.constantFrom(...ids), title: fc.string({ maxLength: 2 }) }), { selector: (record) => record.id, maxLength: 3 }),
  }),
)

function run(steps: Array<typeof step extends fc.Arbitrary<infer T> ? T : never>): void {
  const todos = createSyncedEntity({
    name: 'todos',
    initialState: createEntityAdapter<Todo>().getInitialState({ filter: 'all' }),
    sortComparer: (a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
  })
  const sync = createOfflineSync({ entities: [todos], adapter: createScriptedAdapter().adapter, network: createManualNetworkStatus(false) })
  const store = configureStore({ reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer }, middleware: (g) => g().concat(sync.middleware) })
  /** What the last load said of each record: the confirmed state (versions only grow, so no load is older). */
  const confirmed = new Map<string, Todo | null>()
  let version = 0
  for (const s of steps) {
    try {
      if (s.t === 'added') store.dispatch(todos.actions.added({ id: s.id, title: s.title }))
      else if (s.t === 'upserted') store.dispatch(todos.actions.upserted({ id: s.id, title: s.title, ...(s.done !== undefined && { done: s.done }) }))
      else if (s.t === 'updated') store.dispatch(todos.actions.updated({ id: s.id, changes: { done: s.done } }))
      else if (s.t === 'removed') store.dispatch(todos.actions.removed(s.id))
      else {
        const records = s.records.map((record) => ({ ...record, version: ++version }))
        for (const id of ids) confirmed.set(id, records.find((record) => record.id === id) ?? null)
        store.dispatch(todos.actions.loadedFromServer(records))
      }
    } catch (error) {
      expect(error).toBeInstanceOf(SyncValidationError)
    }
    const state = store.getState()
    const pending = sync.selectors.selectOps(state)
    for (const id of ids) {
      const expected = replay<Todo & Record<string, unknown>>(
        (confirmed.get(id) ?? null) as (Todo & Record<string, unknown>) | null,
        pending.filter((op) => op.recordId === id).map((op) => ({ kind: op.kind, data: op.data })),
      )
      expect(todos.selectors.selectById(state, id) ?? null).toEqual(expected)
    }
    const titles = todos.selectors.selectAll(state).map((todo) => todo.title)
    expect(titles).toEqual([...titles].sort())
    expect(state.todos.filter).toBe('all')
  }
}

describe('loads, upserts and changes', () => {
  it('keep every record equal to its loaded state with its pending operations replayed, in sort order', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 25 }), run), { numRuns: 300 })
  })
})

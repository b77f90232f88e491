import { configureStore } from '@reduxjs/toolkit'
import { expect, it } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, syncDevTools } from '../../src'
import { tabSynced } from '../../src/slices/actions'
import { createScriptedAdapter } from '../support/scriptedAdapter'

interface Todo {
  id: string
  title: string
  version?: number
}

function setup() {
  const todos = createSyncedEntity<Todo>({ name: 'todos', pull: false })
  let n = 0
  const sync = createOfflineSync({
    entities: [todos],
    adapter: createScriptedAdapter().adapter,
    network: createManualNetworkStatus(false),
    generateId: () => `op-${++n}`,
  })
  const devTools = syncDevTools(sync, [todos])
  // Type-checked: it is what configureStore's devTools option takes.
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
    devTools,
  })
  return { store, todos, sync, devTools }
}

it('shows the outbox as lists in send order and the pending records by id in view order, and leaves the store as it is', () => {
  const t = setup()
  for (let i = 1; i <= 40; i++) t.store.dispatch(t.todos.actions.added({ id: `t${i}`, title: `T${i}` }))
  t.store.dispatch(t.todos.actions.updated({ id: 't1', changes: { title: 'changed' } }))
  const state = t.store.getState()
  const shown = t.devTools.stateSanitizer(state, 0)
  const ops = shown.offline.ops as unknown as Array<{ id: string; seq: number; recordId: string; kind: string }>
  expect(Array.isArray(ops)).toBe(true)
  expect(ops.map((op) => op.recordId)).toEqual(Array.from({ length: 40 }, (_, i) => `t${i + 1}`))
  expect(ops.map((op) => op.seq)).toEqual([...ops.map((op) => op.seq)].sort((a, b) => a - b))
  expect(shown.offline.failed).toEqual([])
  const pending = shown.todos.pending as unknown as Record<string, { id: string; base: unknown; changes: unknown[] }>
  expect(Object.keys(pending)).toEqual(state.todos.ids)
  expect(pending.t1).toMatchObject({ id: 't1', base: null, changes: [expect.objectContaining({ seq: ops[0]!.seq })] })
  // The store keeps its tries: only what DevTools shows changes.
  expect(Array.isArray(state.offline.ops)).toBe(false)
  expect(t.sync.selectors.selectOps(t.store.getState())).toHaveLength(40)
  expect(shown.todos.ids).toBe(state.todos.ids)
})

it("shows a tab's snapshot with its entity slices' pending records by id, and other actions as they are", () => {
  const t = setup()
  t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A' }))
  const action = tabSynced({ ops: [], conflicts: [], nextSeq: 2, cursors: {}, entities: { todos: t.store.getState().todos }, resetInflight: false })
  const shown = t.devTools.actionSanitizer(action, 0)
  expect(shown.payload.entities.todos).toMatchObject({ ids: ['a'], pending: { a: { id: 'a' } } })
  const other = t.todos.actions.added({ id: 'b', title: 'B' })
  expect(t.devTools.actionSanitizer(other, 1)).toBe(other)
})

import { configureStore, type EntityId } from '@reduxjs/toolkit'
import { describe, expectTypeOf, it } from 'vitest'
import {
  createOfflineSync,
  createRestAdapter,
  createSyncedEntity,
  type Operation,
  type OutgoingOperation,
  type PushOptions,
  type SyncPhase,
  type SyncStatus,
  type SyncedEntityState,
} from 'rtk-offline'
import { createPersistence, type Persistor } from 'rtk-offline/persist'

interface Todo {
  id: string
  title: string
  done: boolean
}
interface Item {
  sku: number
  quantity: number
}

const todos = createSyncedEntity<Todo>({ name: 'todos' })
const items = createSyncedEntity<Item>({ name: 'items', selectId: (item) => item.sku })
const adapter = createRestAdapter({ baseUrl: 'http://localhost/api' })

describe('createSyncedEntity', () => {
  it('types its actions by the record', () => {
    todos.actions.added({ id: '1', title: 'x', done: false })
    // @ts-expect-error a record needs every field
    todos.actions.added({ id: '1' })
    todos.actions.updated({ id: '1', changes: { done: true } })
    // @ts-expect-error changes are fields of the record
    todos.actions.updated({ id: '1', changes: { colour: 'red' } })
    todos.actions.removedMany(['1', '2'])
    items.actions.addedMany([{ sku: 1, quantity: 2 }])
  })

  it('types its selectors and reducer by the record', () => {
    expectTypeOf(todos.selectors.selectAll).returns.toEqualTypeOf<Todo[]>()
    expectTypeOf(todos.selectors.selectById).returns.toEqualTypeOf<Todo | undefined>()
    expectTypeOf(todos.selectors.selectIds).returns.toEqualTypeOf<EntityId[]>()
    expectTypeOf(todos.reducer).returns.toEqualTypeOf<SyncedEntityState<Todo>>()
  })

  it('requires selectId to read the record type', () => {
    // @ts-expect-error Item has no `id`
    createSyncedEntity<Item>({ name: 'items', selectId: (item) => item.id })
  })
})

describe('createOfflineSync', () => {
  it('takes entities of different record types and types reducerPath as a literal', () => {
    const sync = createOfflineSync({ entities: [todos, items], adapter })
    expectTypeOf(sync.reducerPath).toEqualTypeOf<'offline'>()
    const custom = createOfflineSync({ entities: [todos], adapter, reducerPath: 'sync' })
    expectTypeOf(custom.reducerPath).toEqualTypeOf<'sync'>()
  })

  it('makes a store whose state is typed', () => {
    const sync = createOfflineSync({ entities: [todos], adapter })
    const store = configureStore({
      reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
      middleware: (getDefault) => getDefault().concat(sync.middleware),
    })
    expectTypeOf(store.getState().todos).toEqualTypeOf<SyncedEntityState<Todo>>()
    expectTypeOf(sync.selectors.selectStatus(store.getState())).toEqualTypeOf<SyncStatus>()
    expectTypeOf(sync.selectors.selectStatus(store.getState()).phase).toEqualTypeOf<SyncPhase>()
    expectTypeOf(sync.selectors.selectFailed(store.getState())).toEqualTypeOf<Operation[]>()
    expectTypeOf(sync.selectors.selectPendingCount(store.getState(), 'todos')).toEqualTypeOf<number>()
  })

  it('rejects an adapter without push and a bad option type', () => {
    // @ts-expect-error an adapter needs push
    createOfflineSync({ entities: [todos], adapter: {} })
    // @ts-expect-error batchSize is a number
    createOfflineSync({ entities: [todos], adapter, batchSize: '10' })
  })

  it("takes persistence from rtk-offline/persist, not as a plain object", () => {
    const sync = createOfflineSync({ entities: [todos], adapter, persist: createPersistence({ key: 'app', throttleMs: 100 }) })
    const store = configureStore({
      reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
      middleware: (getDefault) => getDefault().concat(sync.middleware),
    })
    expectTypeOf(sync.persist(store)).toEqualTypeOf<Persistor>()
    // @ts-expect-error the options go to createPersistence from 'rtk-offline/persist'
    createOfflineSync({ entities: [todos], adapter, persist: { key: 'app' } })
  })

  it("hands adapters the operation's user and the entity's way of reading a record id", () => {
    expectTypeOf<OutgoingOperation['userId']>().toEqualTypeOf<string | null>()
    expectTypeOf<NonNullable<PushOptions['recordIdOf']>>().toEqualTypeOf<(entity: string, record: Record<string, unknown>) => EntityId | undefined>()
    createRestAdapter({ baseUrl: 'https://api.test', headers: async (operation) => ({ 'X-User': operation?.userId ?? undefined }) })
  })
})

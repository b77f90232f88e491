import { configureStore } from '@reduxjs/toolkit'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describe, expect, it } from 'vitest'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createSyncedEntity,
  SyncSetupError,
  SyncValidationError,
} from '../../src'
import { createScriptedAdapter } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'

interface Todo {
  id: string
  title: string
  done: boolean
}

/** A tiny Standard Schema: titles must be non-empty; trims them. */
const todoSchema: StandardSchemaV1<unknown, Todo> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate(value) {
      const todo = value as Todo
      if (typeof todo.title !== 'string' || todo.title.trim() === '')
        return { issues: [{ message: 'must not be empty', path: ['title'] }] }
      return { value: { ...todo, title: todo.title.trim() } }
    },
  },
}

const adapter = createScriptedAdapter().adapter

describe('a Standard Schema on the entity', () => {
  function setup() {
    const todos = createSyncedEntity<Todo>({ name: 'todos', validate: todoSchema })
    const sync = createOfflineSync({ entities: [todos], adapter, network: createManualNetworkStatus(false) })
    const store = configureStore({ reducer: { todos: todos.reducer, offline: sync.reducer }, middleware: (g) => g().concat(sync.middleware) })
    return { todos, sync, store }
  }

  it('stores the validated value of a created record', () => {
    const { todos, store, sync } = setup()
    store.dispatch(todos.actions.added({ id: 'a', title: '  Milk  ', done: false }))
    expect(todos.selectors.selectById(store.getState(), 'a')).toEqual({ id: 'a', title: 'Milk', done: false })
    expect(sync.selectors.selectOps(store.getState())[0]!.data).toEqual({ id: 'a', title: 'Milk', done: false })
  })

  it('refuses a create or an update that fails it, naming the entity, the id and the field', () => {
    const { todos, store } = setup()
    store.dispatch(todos.actions.added({ id: 'a', title: 'Milk', done: false }))
    const before = store.getState()
    expect(() => store.dispatch(todos.actions.added({ id: 'b', title: ' ', done: false }))).toThrow(
      'rtk-offline: "todos" record "b": failed validation: title: must not be empty.',
    )
    expect(() => store.dispatch(todos.actions.updated({ id: 'a', changes: { title: '' } }))).toThrow(SyncValidationError)
    expect(store.getState()).toBe(before)
  })
})

describe('setting up', () => {
  it('refuses an entity the sync instance does not know', () => {
    const todos = createSyncedEntity<Todo>({ name: 'todos' })
    const notes = createSyncedEntity<{ id: string }>({ name: 'notes' })
    const sync = createOfflineSync({ entities: [todos], adapter })
    const store = configureStore({
      reducer: { todos: todos.reducer, notes: notes.reducer, offline: sync.reducer },
      middleware: (g) => g().concat(sync.middleware),
    })
    expect(() => store.dispatch(notes.actions.added({ id: 'n' }))).toThrow(
      'rtk-offline: "notes": is not synced by this store\'s rtk-offline instance; add it to createOfflineSync({ entities: [...] }).',
    )
  })

  it('says how to fix a missing middleware', () => {
    const todos = createSyncedEntity<Todo>({ name: 'todos' })
    const store = configureStore({ reducer: { todos: todos.reducer } })
    expect(() => store.dispatch(todos.actions.added({ id: 'a', title: 'x', done: false }))).toThrow(/add sync.middleware to configureStore/)
  })

  it('says how to fix an entity slice or sync slice that is not mounted', () => {
    const todos = createSyncedEntity<Todo>({ name: 'todos' })
    const sync = createOfflineSync({ entities: [todos], adapter })
    const noEntity = configureStore({ reducer: { offline: sync.reducer }, middleware: (g) => g().concat(sync.middleware) })
    expect(() => noEntity.dispatch(todos.actions.added({ id: 'a', title: 'x', done: false }))).toThrow(SyncSetupError)
    expect(() => noEntity.dispatch(todos.actions.added({ id: 'a', title: 'x', done: false }))).toThrow(
      'rtk-offline: the "todos" slice is not mounted: add `todos: todos.reducer` to the store\'s reducer.',
    )
    const noSync = configureStore({ reducer: { todos: todos.reducer }, middleware: (g) => g().concat(sync.middleware) })
    expect(() => noSync.dispatch(todos.actions.added({ id: 'a', title: 'x', done: false }))).toThrow(
      'rtk-offline: the sync slice is not mounted: add `offline: sync.reducer` to the store\'s reducer.',
    )
  })

  it.each([
    [{ entities: undefined }, /`entities` is a required option/],
    [{ entities: [] }, /`entities` is a required option/],
    [{ entities: [{ name: 'x' }] }, /`adapter` is a required option/],
    [{ entities: [{ name: 'x' }], adapter }, /every item of `entities` must come from createSyncedEntity/],
    [{ entities: 'todos', adapter }, /`entities` is a required option/],
    [{ batchSize: 0 }, /`batchSize` must be an integer ≥ 1, got 0/],
    [{ requestTimeoutMs: 1.5 }, /`requestTimeoutMs` must be an integer ≥ 1, got 1.5/],
    [{ retry: { maxAttempts: 0 } }, /retry.maxAttempts must be a number ≥ 1, got 0/],
    [{ circuitBreaker: { failureThreshold: -1 } }, /circuitBreaker.failureThreshold must be an integer ≥ 1/],
    [{ reducerPath: 'todos' }, /clashes with the sync slice's reducerPath/],
  ])('refuses bad options %j with a sentence that says what to do', (options, message) => {
    const todos = createSyncedEntity<Todo>({ name: 'todos' })
    const full = 'entities' in options ? options : { entities: [todos], adapter, ...options }
    expect(() => createOfflineSync(full as never)).toThrow(message)
  })

  it('refuses two entities with one name, and an entity without a name', () => {
    const a = createSyncedEntity<Todo>({ name: 'todos' })
    const b = createSyncedEntity<Todo>({ name: 'todos' })
    expect(() => createOfflineSync({ entities: [a, b], adapter })).toThrow('rtk-offline: two entities are named "todos"; names must be unique.')
    expect(() => createSyncedEntity({ name: '' })).toThrow(/`name` is a required option for createSyncedEntity/)
    expect(() => createSyncedEntity({ name: 'x', priority: Number.NaN })).toThrow(/`priority` of "x" must be a finite number/)
  })
})

describe('selectors', () => {
  it('return the same objects while what they read has not changed', () => {
    const { store, todos, sync } = createTestStore(createScriptedAdapter().adapter, { online: false })
    store.dispatch(todos.actions.added({ id: 'a', title: 'x', done: false }))
    const status = sync.selectors.selectStatus(store.getState())
    const failed = sync.selectors.selectFailed(store.getState())
    const ops = sync.selectors.selectOps(store.getState())
    store.dispatch({ type: 'unrelated' })
    expect(sync.selectors.selectStatus(store.getState())).toBe(status)
    expect(sync.selectors.selectFailed(store.getState())).toBe(failed)
    expect(sync.selectors.selectOps(store.getState())).toBe(ops)
    // A change that touches the outbox but not the failures keeps selectFailed's result.
    store.dispatch(todos.actions.added({ id: 'b', title: 'y', done: false }))
    expect(sync.selectors.selectFailed(store.getState())).toBe(failed)
    expect(sync.selectors.selectStatus(store.getState())).not.toBe(status)
  })

  it('answer counts and pending checks for 10,000 pending operations', () => {
    const { store, todos, sync } = createTestStore(createScriptedAdapter().adapter, { online: false })
    store.dispatch(todos.actions.addedMany(Array.from({ length: 10_000 }, (_, i) => ({ id: `t${i}`, title: String(i), done: false }))))
    const state = store.getState()
    expect(sync.selectors.selectPendingCount(state)).toBe(10_000)
    expect(sync.selectors.selectPendingCount(state, 'todos')).toBe(10_000)
    expect(sync.selectors.selectPendingCount(state, 'other')).toBe(0)
    expect(sync.selectors.selectIsPending(state, 'todos', 't9999')).toBe(true)
    expect(sync.selectors.selectIsPending(state, 'todos', 't10000')).toBe(false)
    expect(sync.selectors.selectOps(state).map((op) => op.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1))
    expect(() => sync.selectors.selectIsPending(state, 'other', 'x')).toThrow(/no synced entity slice is mounted under "other"/)
  })
})

import { describe, expect, it } from 'vitest'
import { SyncValidationError } from '../../src'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

const milk = { id: 'a', title: 'Buy milk', done: false }

describe('a change dispatched offline', () => {
  it('shows in the view at once and waits in the outbox as one operation', () => {
    const { store, todos, sync, view, status } = createTestStore(createScriptedAdapter().adapter, { online: false })
    store.dispatch(todos.actions.added(milk))
    expect(view()).toEqual([milk])
    expect(sync.selectors.selectPendingCount(store.getState())).toBe(1)
    expect(sync.selectors.selectPendingCount(store.getState(), 'todos')).toBe(1)
    expect(sync.selectors.selectIsPending(store.getState(), 'todos', 'a')).toBe(true)
    expect(sync.selectors.selectOps(store.getState())).toEqual([
      {
        id: 'op-1',
        seq: 1,
        entity: 'todos',
        recordId: 'a',
        kind: 'create',
        data: milk,
        baseVersion: null,
        enqueuedAt: 1_000_000,
        attempts: 0,
        nextAttemptAt: null,
        status: 'pending',
        lastError: null,
        priority: 0,
        userId: null,
      },
    ])
    expect(status()).toMatchObject({ phase: 'offline', online: false, pending: 1, inflight: 0, failed: 0 })
  })

  it('coalesces changes of one record made before any was sent', () => {
    const { store, todos, sync, view } = createTestStore(createScriptedAdapter().adapter, { online: false })
    store.dispatch(todos.actions.added(milk))
    store.dispatch(todos.actions.updated({ id: 'a', changes: { title: 'Buy oat milk' } }))
    store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
    expect(view()).toEqual([{ id: 'a', title: 'Buy oat milk', done: true }])
    const ops = sync.selectors.selectOps(store.getState())
    expect(ops.map(({ id, kind, data }) => ({ id, kind, data }))).toEqual([
      { id: 'op-1', kind: 'create', data: { id: 'a', title: 'Buy oat milk', done: true } },
    ])
  })

  it('keeps every change as its own operation when coalescing is off', () => {
    const { store, todos, sync, view } = createTestStore(createScriptedAdapter().adapter, { online: false, coalesce: false })
    store.dispatch(todos.actions.added(milk))
    store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
    store.dispatch(todos.actions.removed('a'))
    expect(view()).toEqual([])
    expect(sync.selectors.selectOps(store.getState()).map(({ id, kind }) => [id, kind])).toEqual([
      ['op-1', 'create'],
      ['op-2', 'update'],
      ['op-3', 'delete'],
    ])
  })

  it('sends nothing for a record created and removed while offline', () => {
    const { store, todos, sync, view, status } = createTestStore(createScriptedAdapter().adapter, { online: false })
    store.dispatch(todos.actions.added(milk))
    store.dispatch(todos.actions.removed('a'))
    expect(view()).toEqual([])
    expect(sync.selectors.selectOps(store.getState())).toEqual([])
    expect(sync.selectors.selectIsPending(store.getState(), 'todos', 'a')).toBe(false)
    expect(status()).toMatchObject({ pending: 0 })
  })

  it('turns an update then a delete of a confirmed record into one delete with the base version', () => {
    const scripted = createScriptedAdapter()
    scripted.autoRespond(() => ok({ ...milk, version: 1 }))
    const { store, todos, sync, network } = createTestStore(scripted.adapter)
    store.dispatch(todos.actions.added(milk))
    return advance().then(() => {
      network.setOnline(false)
      store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
      store.dispatch(todos.actions.removed('a'))
      expect(sync.selectors.selectOps(store.getState()).map(({ kind, data, baseVersion }) => ({ kind, data, baseVersion }))).toEqual([
        { kind: 'delete', data: null, baseVersion: 1 },
      ])
    })
  })

  it('makes one operation per record touched by a many-action', () => {
    const { store, todos, sync } = createTestStore(createScriptedAdapter().adapter, { online: false })
    store.dispatch(
      todos.actions.addedMany([milk, { id: 'b', title: 'Bread', done: false }, { id: 'c', title: 'Eggs', done: false }]),
    )
    store.dispatch(
      todos.actions.updatedMany([
        { id: 'b', changes: { done: true } },
        { id: 'b', changes: { title: 'Rye bread' } },
      ]),
    )
    store.dispatch(todos.actions.removedMany(['c']))
    const ops = sync.selectors.selectOps(store.getState())
    expect(ops.map(({ recordId, kind, data }) => ({ recordId, kind, data }))).toEqual([
      { recordId: 'a', kind: 'create', data: milk },
      { recordId: 'b', kind: 'create', data: { id: 'b', title: 'Rye bread', done: true } },
    ])
    expect(todos.selectors.selectIds(store.getState())).toEqual(['a', 'b'])
  })
})

describe('bad input', () => {
  const cases: Array<[string, (t: ReturnType<typeof createTestStore>['todos']) => unknown, RegExp]> = [
    ['a record without an id', (t) => t.actions.added({ title: 'x', done: false } as never), /"todos": the record has no valid id/],
    ['a duplicate id', (t) => t.actions.added(milk), /"todos" record "a": already exists/],
    ['an update of a missing record', (t) => t.actions.updated({ id: 'zz', changes: { done: true } }), /"todos" record "zz": does not exist/],
    ['a removal of a missing record', (t) => t.actions.removed('zz'), /"todos" record "zz": does not exist/],
    ['a Date in the data', (t) => t.actions.updated({ id: 'a', changes: { meta: { due: new Date(0) } } }), /record "a": changes at "meta.due" holds \[object Date\], which is not serialisable/],
    ['a function in the data', (t) => t.actions.added({ ...milk, id: 'f', meta: { run: () => 1 } }), /record "f": the record at "meta.run" holds/],
    ['a change of the id', (t) => t.actions.updated({ id: 'a', changes: { id: 'b' } }), /record "a": changes may not change the record id/],
    ['an update without changes', (t) => t.actions.updated({ id: 'a' } as never), /updated\(\) takes \{ id, changes \}/],
  ]

  it.each(cases)('%s throws SyncValidationError and changes nothing', (_, make, message) => {
    const { store, todos } = createTestStore(createScriptedAdapter().adapter, { online: false })
    store.dispatch(todos.actions.added(milk))
    const before = store.getState()
    let thrown: unknown
    try {
      store.dispatch(make(todos) as never)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(SyncValidationError)
    expect((thrown as SyncValidationError).code).toBe('validation-failed')
    expect((thrown as Error).message).toMatch(message)
    expect(store.getState()).toBe(before)
  })

  it('rejects a many-action atomically when one of its records is bad', () => {
    const { store, todos } = createTestStore(createScriptedAdapter().adapter, { online: false })
    const before = store.getState()
    expect(() => store.dispatch(todos.actions.addedMany([milk, { id: '', title: 'x', done: false }]))).toThrow(SyncValidationError)
    expect(store.getState()).toBe(before)
  })
})

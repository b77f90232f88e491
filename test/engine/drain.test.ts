import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createScriptedAdapter, ok, reject } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

const todo = (id: string, title = id) => ({ id, title, done: false })

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

function setup(options: Parameters<typeof createTestStore>[1] = {}) {
  const scripted = createScriptedAdapter()
  const t = createTestStore(scripted.adapter, { now: () => Date.now(), online: false, ...options })
  return { ...t, scripted }
}

describe('draining the outbox', () => {
  it('sends nothing while offline and everything, oldest first, once online', async () => {
    const { store, todos, network, scripted, status } = setup()
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b'), todo('c')]))
    await advance()
    expect(scripted.calls).toHaveLength(0)
    network.setOnline(true)
    await advance()
    expect(scripted.calls.map((call) => call.operations.map((op) => [op.recordId, op.kind]))).toEqual([
      [
        ['a', 'create'],
        ['b', 'create'],
        ['c', 'create'],
      ],
    ])
    expect(status()).toMatchObject({ phase: 'syncing', pending: 3, inflight: 3 })
    scripted.answer(() => ok())
    await advance()
    expect(status()).toMatchObject({ phase: 'idle', pending: 0, inflight: 0, lastSyncedAt: 1_000_000 })
  })

  it('splits work into batches of batchSize', async () => {
    const { store, todos, network, scripted } = setup({ batchSize: 2 })
    scripted.autoRespond(() => ok())
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b'), todo('c'), todo('d'), todo('e')]))
    network.setOnline(true)
    await advance()
    expect(scripted.calls.map((call) => call.operations.map((op) => op.recordId))).toEqual([['a', 'b'], ['c', 'd'], ['e']])
  })

  it('keeps one operation in flight per record and sends its later changes after it, in order', async () => {
    const { store, todos, network, scripted, sync } = setup()
    network.setOnline(true)
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    // The create is in flight, so these cannot merge into it: they wait, merged into one update.
    store.dispatch(todos.actions.updated({ id: 'a', changes: { title: 'A1' } }))
    store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
    store.dispatch(todos.actions.added(todo('b')))
    await advance()
    expect(scripted.calls).toHaveLength(1)
    scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    expect(scripted.calls[1]!.operations.map(({ recordId, kind, data, baseVersion }) => ({ recordId, kind, data, baseVersion }))).toEqual([
      { recordId: 'a', kind: 'update', data: { title: 'A1', done: true }, baseVersion: 1 },
      { recordId: 'b', kind: 'create', data: todo('b'), baseVersion: null },
    ])
    expect(sync.selectors.selectPendingCount(store.getState())).toBe(2)
  })

  it('never puts two operations of one record in the same batch', async () => {
    const { store, todos, network, scripted } = setup()
    scripted.autoRespond((op) => ok(op.kind === 'delete' ? undefined : { ...op.data, version: 1 }))
    store.dispatch(todos.actions.added(todo('a')))
    network.setOnline(true)
    await advance()
    network.setOnline(false)
    // A delete then a re-create cannot merge: two operations of one record, both unsent.
    store.dispatch(todos.actions.removed('a'))
    store.dispatch(todos.actions.added(todo('a', 'again')))
    network.setOnline(true)
    await advance()
    expect(scripted.calls.slice(1).map((call) => call.operations.map((op) => [op.recordId, op.kind]))).toEqual([
      [['a', 'delete']],
      [['a', 'create']],
    ])
  })

  it('shows the server version in the view once an operation is confirmed', async () => {
    const { store, todos, network, scripted, view, sync } = setup()
    scripted.autoRespond((op) => ok({ ...op.data, version: 7, updatedBy: 'server' }))
    store.dispatch(todos.actions.added(todo('a')))
    network.setOnline(true)
    await advance()
    expect(view()).toEqual([{ ...todo('a'), version: 7, updatedBy: 'server' }])
    expect(sync.selectors.selectIsPending(store.getState(), 'todos', 'a')).toBe(false)
  })

  it('replays later unsent changes on top of the confirmed record', async () => {
    const { store, todos, network, scripted, view } = setup()
    network.setOnline(true)
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
    scripted.answer(() => ok({ ...todo('a'), title: 'normalised by server', version: 1 }))
    await advance()
    expect(view()).toEqual([{ id: 'a', title: 'normalised by server', done: true, version: 1 }])
  })

  it('never sends an operation twice when syncNow arrives during a drain', async () => {
    const { store, todos, network, scripted, sync } = setup()
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b')]))
    network.setOnline(true)
    await advance()
    store.dispatch(sync.actions.syncNow())
    store.dispatch(sync.actions.syncNow())
    await advance()
    expect(scripted.calls).toHaveLength(1)
    scripted.answer(() => ok())
    await advance()
    expect(scripted.calls).toHaveLength(1)
    expect(scripted.sent().flat()).toEqual(['op-1', 'op-2'])
  })

  it('stops sending while paused and goes on after resume', async () => {
    const { store, todos, network, scripted, sync, status } = setup()
    scripted.autoRespond(() => ok())
    network.setOnline(true)
    store.dispatch(sync.actions.pause())
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    expect(scripted.calls).toHaveLength(0)
    expect(status().phase).toBe('paused')
    store.dispatch(sync.actions.resume())
    await advance()
    expect(scripted.calls).toHaveLength(1)
    expect(status().phase).toBe('idle')
  })

  it('lets requests already in flight finish when the device goes offline, and sends no more', async () => {
    const { store, todos, network, scripted, status } = setup({ batchSize: 1 })
    network.setOnline(true)
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b')]))
    await advance()
    network.setOnline(false)
    scripted.answer(() => ok())
    await advance()
    expect(scripted.calls).toHaveLength(1)
    expect(status()).toMatchObject({ phase: 'offline', pending: 1 })
  })

  it('sends nothing more once stopped, and leaves no timer behind', async () => {
    const { store, todos, network, scripted, sync } = setup()
    scripted.autoRespond(() => ({ type: 'retry', error: { name: 'E', message: 'down', code: 'http-error' } }))
    network.setOnline(true)
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    expect(vi.getTimerCount()).toBe(1)
    sync.stop()
    expect(vi.getTimerCount()).toBe(0)
    network.setOnline(false)
    network.setOnline(true)
    store.dispatch(todos.actions.added(todo('b')))
    store.dispatch(sync.actions.syncNow())
    await vi.advanceTimersByTimeAsync(120_000)
    expect(scripted.calls).toHaveLength(1)
    // The change is still applied and queued.
    expect(sync.selectors.selectPendingCount(store.getState())).toBe(2)
    // The store no longer hears the network.
    expect(sync.selectors.selectStatus(store.getState()).online).toBe(true)
  })

  it('sends higher-priority entities first', async () => {
    const { configureStore } = await import('@reduxjs/toolkit')
    const { createOfflineSync, createSyncedEntity, createManualNetworkStatus } = await import('../../src')
    const scripted = createScriptedAdapter()
    const notes = createSyncedEntity<{ id: string }>({ name: 'notes' })
    const orders = createSyncedEntity<{ id: string }>({ name: 'orders', priority: 10 })
    const network = createManualNetworkStatus(false)
    const sync = createOfflineSync({ entities: [notes, orders], adapter: scripted.adapter, network })
    const store = configureStore({
      reducer: { notes: notes.reducer, orders: orders.reducer, offline: sync.reducer },
      middleware: (g) => g().concat(sync.middleware),
    })
    store.dispatch(notes.actions.added({ id: 'n1' }))
    store.dispatch(orders.actions.added({ id: 'o1' }))
    store.dispatch(notes.actions.added({ id: 'n2' }))
    network.setOnline(true)
    await advance()
    expect(scripted.calls[0]!.operations.map((op) => op.recordId)).toEqual(['o1', 'n1', 'n2'])
  })
})

describe('a rejected operation', () => {
  it('rolls back exactly and is listed with its reason', async () => {
    const { store, todos, network, scripted, view, sync, status } = setup()
    scripted.autoRespond((op) => ok({ ...op.data, version: 1 }))
    store.dispatch(todos.actions.added(todo('a', 'Original')))
    network.setOnline(true)
    await advance()
    scripted.autoRespond(null)
    store.dispatch(todos.actions.updated({ id: 'a', changes: { title: '' } }))
    await advance()
    store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
    scripted.answer(() => reject('title is required'))
    await advance()
    // Confirmed state plus the remaining operation replayed: the rejected title is gone, the later change stays.
    expect(view()).toEqual([{ id: 'a', title: 'Original', done: true, version: 1 }])
    const failed = sync.selectors.selectFailed(store.getState())
    expect(failed.map(({ id, status, lastError }) => ({ id, status, message: lastError?.message }))).toEqual([
      { id: 'op-2', status: 'failed', message: 'title is required' },
    ])
    expect(status()).toMatchObject({ failed: 1, pending: 1, lastError: { message: 'title is required', status: 422 } })
  })

  it('takes the later operations on a rejected create down with it', async () => {
    const { store, todos, network, scripted, view, sync } = setup()
    network.setOnline(true)
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    store.dispatch(todos.actions.updated({ id: 'a', changes: { title: 'A2' } }))
    store.dispatch(todos.actions.added(todo('b')))
    scripted.answer(() => reject('quota exceeded'))
    await advance()
    expect(view()).toEqual([todo('b')])
    expect(
      sync.selectors.selectFailed(store.getState()).map(({ recordId, kind, lastError }) => [recordId, kind, lastError?.code]),
    ).toEqual([
      ['a', 'create', 'http-error'],
      ['a', 'update', 'dependency-failed'],
    ])
    // Only b goes next; nothing of a is ever sent again.
    expect(scripted.calls[1]!.operations.map((op) => op.recordId)).toEqual(['b'])
  })

  it('can be retried, re-applied as the newest change, or discarded', async () => {
    const { store, todos, network, scripted, view, sync } = setup()
    network.setOnline(true)
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    scripted.answer(() => reject())
    await advance()
    expect(view()).toEqual([])
    store.dispatch(sync.actions.retryFailed())
    expect(view()).toEqual([todo('a')])
    expect(sync.selectors.selectFailed(store.getState())).toEqual([])
    await advance()
    expect(scripted.calls[1]!.operations.map(({ id, recordId, kind }) => ({ id, recordId, kind }))).toEqual([
      { id: 'op-2', recordId: 'a', kind: 'create' },
    ])
    scripted.answer(() => reject())
    await advance()
    store.dispatch(sync.actions.discardFailed(['op-2']))
    expect(sync.selectors.selectOps(store.getState())).toEqual([])
    expect(view()).toEqual([])
  })

  it('stays failed when retrying it no longer fits the record', async () => {
    const { store, todos, network, scripted, sync } = setup()
    scripted.autoRespond(() => ok())
    store.dispatch(todos.actions.added(todo('a')))
    network.setOnline(true)
    await advance()
    scripted.autoRespond(() => reject())
    store.dispatch(todos.actions.updated({ id: 'a', changes: { title: 'x' } }))
    await advance()
    scripted.autoRespond(() => ok())
    store.dispatch(todos.actions.removed('a'))
    await advance()
    store.dispatch(sync.actions.retryFailed())
    expect(sync.selectors.selectFailed(store.getState()).map((op) => op.kind)).toEqual(['update'])
  })
})

describe('conflicts, until strategies exist', () => {
  it('take the server record, keep the conflict visible, and replay later changes on it', async () => {
    const { store, todos, network, scripted, view, sync } = setup()
    network.setOnline(true)
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
    scripted.answer(() => ({ type: 'conflict', remote: { id: 'a', title: 'Theirs', done: false, version: 4 } }))
    await advance()
    expect(view()).toEqual([{ id: 'a', title: 'Theirs', done: true, version: 4 }])
    expect(sync.selectors.selectConflicts(store.getState())).toEqual([
      {
        id: 'op-1',
        seq: 1,
        entity: 'todos',
        recordId: 'a',
        kind: 'create',
        base: null,
        local: todo('a'),
        remote: { id: 'a', title: 'Theirs', done: false, version: 4 },
        fields: ['title', 'version'],
        resolution: 'server-wins',
        status: 'resolved',
        choice: null,
        detectedAt: 1_000_000,
      },
    ])
    store.dispatch(sync.actions.dismissConflicts())
    expect(sync.selectors.selectConflicts(store.getState())).toEqual([])
  })

  it('still send a delete when a create made on top of a record the server kept is removed', async () => {
    const { store, todos, network, scripted, view, sync } = setup()
    scripted.autoRespond(() => ok({ ...todo('a'), version: 1 }))
    store.dispatch(todos.actions.added(todo('a')))
    network.setOnline(true)
    await advance()
    scripted.autoRespond(null)
    store.dispatch(todos.actions.removed('a'))
    await advance()
    // While the delete is in flight the user makes the record again; then the server refuses the delete.
    store.dispatch(todos.actions.added(todo('a', 'mine')))
    network.setOnline(false)
    scripted.answer(() => ({ type: 'conflict', remote: { ...todo('a'), version: 2 } }))
    await advance()
    store.dispatch(todos.actions.removed('a'))
    expect(view()).toEqual([])
    expect(sync.selectors.selectOps(store.getState()).map((op) => op.kind)).toEqual(['delete'])
  })

  it('remove the record when the server has deleted it', async () => {
    const { store, todos, network, scripted, view } = setup()
    scripted.autoRespond(() => ok({ ...todo('a'), version: 1 }))
    store.dispatch(todos.actions.added(todo('a')))
    network.setOnline(true)
    await advance()
    scripted.autoRespond(() => ({ type: 'conflict', remote: null }))
    store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
    await advance()
    expect(view()).toEqual([])
  })
})

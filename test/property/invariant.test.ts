import { configureStore, type Middleware } from '@reduxjs/toolkit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createSyncedEntity,
  SyncValidationError,
  type OfflineMeta,
  type OutgoingOperation,
  type SyncOutcome,
} from '../../src'
import { opsSettled } from '../../src/slices/actions'
import { replay } from '../../src/core/change'
import { createScriptedAdapter } from '../support/scriptedAdapter'
import { advance } from '../support/driver'

type Rec = Record<string, unknown>
const ids = ['a', 'b', 'c'] as const

const step = fc.oneof(
  fc.record({ t: fc.constant('add' as const), id: fc.constantFrom(...ids), title: fc.string({ maxLength: 3 }) }),
  fc.record({
    t: fc.constant('update' as const),
    id: fc.constantFrom(...ids),
    changes: fc.oneof(
      fc.record({ title: fc.string({ maxLength: 3 }) }),
      fc.record({ done: fc.boolean() }),
      fc.record({ note: fc.constantFrom(null, 'x', 'y') }),
    ),
  }),
  fc.record({ t: fc.constant('remove' as const), id: fc.constantFrom(...ids) }),
  fc.record({ t: fc.constant('online' as const), online: fc.boolean() }),
  fc.record({
    t: fc.constant('answer' as const),
    outcomes: fc.array(fc.constantFrom('ok', 'ok', 'retry', 'reject', 'conflict', 'auth'), { minLength: 3, maxLength: 3 }),
  }),
  fc.record({ t: fc.constant('remoteEdit' as const), id: fc.constantFrom(...ids), title: fc.string({ maxLength: 3 }) }),
  fc.constant({ t: 'syncNow' as const }),
  fc.constant({ t: 'resume' as const }),
  fc.constant({ t: 'retryFailed' as const }),
)

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never

async function run(steps: Step[]): Promise<void> {
  const scripted = createScriptedAdapter()
  const todos = createSyncedEntity<Rec & { id: string }>({ name: 'todos' })
  const network = createManualNetworkStatus(false)
  let n = 0
  const sync = createOfflineSync({
    entities: [todos],
    adapter: scripted.adapter,
    network,
    now: () => 0,
    random: () => 0,
    generateId: () => `op-${++n}`,
    // No timer ever fires: retries happen through syncNow and coming online, so runs are deterministic.
    timers: { setTimeout: () => 0, clearTimeout: () => {} },
    onError: () => {},
  })
  // Every operation the middleware creates, and those that cancel out before being sent.
  const created = new Set<string>()
  const dropped = new Set<string>()
  const revivedAs = new Map<string, string>()
  const settledIds = new Set<string>()
  const watch: Middleware = (api) => (next) => (action) => {
    // Changes made on a record the server does not have are answered by the engine itself, never sent
    // (what it knows of the server is what this model told it, so `learned` stays right).
    if (opsSettled.match(action) && action.payload.verdict === 'local') for (const result of action.payload.results) settledIds.add(result.opId)
    if (sync.actions.retryFailed.match(action)) {
      const failed = sync.selectors.selectFailed(api.getState())
      for (const revived of action.payload.revived) revivedAs.set(failed.find((op) => op.seq === revived.fromSeq)!.id, revived.id)
    }
    const meta = (action as { meta?: { offline?: OfflineMeta } }).meta?.offline
    if (meta)
      for (const stamp of meta.stamps) {
        if (!stamp.coalesced) created.add(stamp.id)
        else if (stamp.queued === null) dropped.add(stamp.id)
      }
    return next(action)
  }
  const store = configureStore({
    reducer: { todos: todos.reducer, offline: sync.reducer },
    middleware: (g) => g({ serializableCheck: false, immutableCheck: false }).concat(sync.middleware, watch),
  })

  const server = new Map<string, Rec>()
  const learned = new Map<string, Rec | null>()
  const serve = (op: OutgoingOperation, choice: string): SyncOutcome => {
    const id = String(op.recordId)
    const current = server.get(id) ?? null
    const learn = (record: Rec | null) => {
      learned.set(id, record)
      settledIds.add(op.id)
    }
    if (choice === 'retry') return { type: 'retry', error: { name: 'E', message: 'down', code: 'http-error', status: 503 } }
    if (choice === 'auth') return { type: 'auth' }
    if (choice === 'reject') return { type: 'reject', error: { name: 'E', message: 'no', code: 'http-error', status: 422 } }
    if (choice === 'conflict' || (op.kind === 'update' && current === null)) {
      learn(current)
      return { type: 'conflict', remote: current }
    }
    if (op.kind === 'delete') server.delete(id)
    // Versions only go up: a create over a record the server has (this model takes it) is a new version of it.
    else if (op.kind === 'create') server.set(id, { ...op.data, version: current === null ? 1 : Number(current.version) + 1 })
    else server.set(id, { ...replay<Rec>(current, [{ kind: 'update', data: op.data }]), version: Number(current!.version) + 1 })
    learn(server.get(id) ?? null)
    return server.has(id) ? { type: 'ok', record: server.get(id)! } : { type: 'ok' }
  }

  const check = () => {
    const state = store.getState()
    const ops = sync.selectors.selectOps(state)
    const pending = ops.filter((op) => op.status !== 'failed')
    const failed = sync.selectors.selectFailed(state)
    const recordIds = new Set<string>([...ids])
    for (const id of recordIds) {
      const expected = replay<Rec>(
        learned.get(id) ?? null,
        pending.filter((op) => op.recordId === id).map((op) => ({ kind: op.kind, data: op.data })),
      )
      expect(todos.selectors.selectById(state, id) ?? null).toEqual(expected)
      expect(sync.selectors.selectIsPending(state, 'todos', id)).toBe(pending.some((op) => op.recordId === id))
    }
    // Nothing is ever gone: each operation is confirmed, failed with a reason, or still queued.
    const present = new Set(ops.map((op) => op.id))
    for (const id of created) {
      // A retried failure goes on under a new id.
      let current = id
      while (revivedAs.has(current)) current = revivedAs.get(current)!
      if (dropped.has(current)) continue
      expect(present.has(current) || settledIds.has(current), `operation ${id} vanished`).toBe(true)
    }
    for (const op of failed) expect(op.lastError?.message).toBeTruthy()
    expect(sync.selectors.selectPendingCount(state)).toBe(pending.length)
  }

  for (const s of steps) {
    const before = store.getState()
    try {
      if (s.t === 'add') store.dispatch(todos.actions.added({ id: s.id, title: s.title, done: false }))
      else if (s.t === 'update') store.dispatch(todos.actions.updated({ id: s.id, changes: s.changes }))
      else if (s.t === 'remove') store.dispatch(todos.actions.removed(s.id))
      else if (s.t === 'online') network.setOnline(s.online)
      else if (s.t === 'syncNow') store.dispatch(sync.actions.syncNow())
      else if (s.t === 'resume') store.dispatch(sync.actions.resume())
      else if (s.t === 'retryFailed') store.dispatch(sync.actions.retryFailed())
      else if (s.t === 'remoteEdit') {
        const current = server.get(s.id)
        if (current) server.set(s.id, { ...current, title: s.title, version: Number(current.version) + 1 })
      } else if (s.t === 'answer' && scripted.waitingCount() > 0) {
        let i = 0
        scripted.answer((op) => serve(op, s.outcomes[i++ % s.outcomes.length]!))
      }
    } catch (error) {
      // Bad input (an update of a missing record, a duplicate id) must change nothing.
      expect(error).toBeInstanceOf(SyncValidationError)
      expect(store.getState()).toBe(before)
    }
    await advance()
    check()
  }

  // Deliver everything: online, credentials back, every answer ok. The outbox must empty.
  network.setOnline(true)
  store.dispatch(sync.actions.resume())
  for (let round = 0; round < 50 && (scripted.waitingCount() > 0 || sync.selectors.selectPendingCount(store.getState()) > 0); round++) {
    if (scripted.waitingCount() > 0) scripted.answer((op) => serve(op, 'ok'))
    else store.dispatch(sync.actions.syncNow())
    await advance()
    check()
  }
  expect(sync.selectors.selectPendingCount(store.getState())).toBe(0)
}

describe('the view invariant', () => {
  it('holds for random local changes, network changes, remote edits and outcomes, and nothing is ever lost', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 60, size: 'max' }), run), { numRuns: 300 })
  }, 60_000)

  it('holds when a delete queued behind a dropped conflict is confirmed by a server that does not check If-Match (fast-check seed 1669843773)', async () => {
    // Found while fixing the version a conflict's successors are sent with: had the change after a dropped
    // one kept the record from before the conflict as what it was made on, the confirmed state (the remote)
    // would differ from it without a pull, and the confirmed delete would have been taken for one made
    // before the record was created again: the record stayed in view after the server deleted it.
    await run([
      { t: 'add', id: 'a', title: '' },
      { t: 'online', online: true },
      { t: 'remove', id: 'a' },
      { t: 'add', id: 'a', title: '' },
      { t: 'answer', outcomes: ['ok', 'ok', 'ok'] },
      { t: 'remove', id: 'a' },
      { t: 'remoteEdit', id: 'a', title: '' },
      { t: 'answer', outcomes: ['conflict', 'ok', 'ok'] },
      { t: 'add', id: 'a', title: '' },
      { t: 'remoteEdit', id: 'a', title: '' },
      { t: 'retryFailed' },
      { t: 'retryFailed' },
      { t: 'retryFailed' },
      { t: 'syncNow' },
      { t: 'resume' },
      { t: 'update', id: 'a', changes: { title: '' } },
      { t: 'resume' },
      { t: 'retryFailed' },
    ])
  })
})

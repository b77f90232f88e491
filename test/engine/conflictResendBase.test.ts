import { configureStore } from '@reduxjs/toolkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createSyncedEntity,
  type ConflictStrategy,
  type OutgoingOperation,
  type SyncOutcome,
} from '../../src'
import { applyMergePatch, type JsonObject } from '../../src/core/mergePatch'
import { advance } from '../support/driver'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter } from '../support/scriptedAdapter'

// Durability invariant 3 (a change made on an older state never overwrites a newer one), for the version
// a change is sent with: a pending record's `madeOn` is the server record its first pending change was
// made on, and its version goes as If-Match. A pull moves the confirmed state but not `madeOn`. Found by a
// two-server scale test: a pull brought v3 while a push was on its way; the push met a 412 reporting v2
// (the other server had not seen v3 yet); the merge was computed on v2 but sent with If-Match 3, so the
// server took it and v3's change, which the merge never saw, was lost.

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

type Counter = {
  id: string
  count: number
  version?: number
}

/** Adds the local increment (local − base) to the server's count: correct only against the base it was given. */
const addIncrement: ConflictStrategy<Counter> = ({ base, local, remote }) => {
  if (!remote || !local) return { choose: 'local' }
  return { merged: { ...remote, count: remote.count + (local.count - (base?.count ?? 0)) } }
}

/** A versioned server with If-Match, the truth the final state is checked against. */
function createServer(initial: Counter) {
  let record: Counter = initial
  return {
    get: () => record,
    /** Someone else's change, written on the server directly. */
    add(amount: number) {
      record = { ...record, count: record.count + amount, version: record.version! + 1 }
      return record
    },
    apply(op: OutgoingOperation): SyncOutcome {
      if (op.kind !== 'update') throw new Error(`unexpected ${op.kind}`)
      if (op.baseVersion !== record.version) return { type: 'conflict', remote: record }
      const patched = applyMergePatch(record as unknown as JsonObject, op.data as JsonObject) as unknown as Counter
      record = { ...patched, version: record.version! + 1 }
      return { type: 'ok', record }
    },
  }
}

function setup(conflict: ConflictStrategy<Counter>) {
  const scripted = createScriptedAdapter()
  const pulls = createPullScript()
  pulls.setIdle(false)
  const counters = createSyncedEntity<Counter>({ name: 'counters', conflict })
  let n = 0
  const sync = createOfflineSync({
    entities: [counters],
    adapter: { ...scripted.adapter, pull: pulls.pull },
    network: createManualNetworkStatus(true),
    now: () => Date.now(),
    random: () => 0.5,
    pullIntervalMs: 0,
    generateId: () => `op-${++n}`,
  })
  const store = configureStore({
    reducer: { counters: counters.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  const view = () => counters.selectors.selectById(store.getState(), 'k')
  /** Each push's operations as [count sent, If-Match]. */
  const sends = () => scripted.calls.map((call) => call.operations.map((op) => [(op.data as unknown as Counter).count, op.baseVersion]))
  const pending = () => sync.selectors.selectPendingCount(store.getState())
  const increment = () => store.dispatch(counters.actions.updated({ id: 'k', changes: { count: view()!.count + 1 } }))
  return { scripted, pulls, store, counters, sync, view, sends, pending, increment }
}

/** The first pull delivers v1 (count 0). */
async function pulledV1(t: ReturnType<typeof setup>, server: ReturnType<typeof createServer>) {
  await advance()
  t.pulls.answer({ changes: [{ id: 'k', record: server.get() }], cursor: 'c1', hasMore: false })
  await advance()
  expect(t.view()).toEqual({ id: 'k', count: 0, version: 1 })
}

/** A pull that delivers the server's record as it is now. */
async function pullNow(t: ReturnType<typeof setup>, record: Counter, cursor: string) {
  t.store.dispatch(t.sync.actions.pullNow('counters'))
  await advance()
  t.pulls.answer({ changes: [{ id: 'k', record }], cursor, hasMore: false })
  await advance()
}

describe("a conflict's resolution is sent with the version it was computed on", () => {
  it('a merge computed on the 412\'s v2 goes with If-Match 2 although a pull brought v3 meanwhile: v3\'s change is merged too, none lost', async () => {
    const server = createServer({ id: 'k', count: 0, version: 1 })
    const t = setup(addIncrement)
    await pulledV1(t, server)
    t.increment()
    await advance()
    expect(t.sends()).toEqual([[[1, 1]]])
    // While our +1 is on its way, others add 10 (v2) and then 100 (v3); a pull brings v3.
    const v2 = server.add(10)
    const v3 = server.add(100)
    await pullNow(t, v3, 'c3')
    // The server that answers our push has seen v2 only: a 412 reporting v2.
    t.scripted.answer(() => ({ type: 'conflict', remote: v2 }))
    await advance()
    // The merge was computed on v2 (10 + 1): it must go with If-Match 2, so the server can refuse it.
    expect(t.sends().at(-1)).toEqual([[11, 2]])
    t.scripted.answer((op) => server.apply(op))
    await advance()
    // The 412 reports v3 (110): merged again, sent with If-Match 3, taken.
    expect(t.sends().at(-1)).toEqual([[111, 3]])
    t.scripted.answer((op) => server.apply(op))
    await advance()
    expect(server.get()).toEqual({ id: 'k', count: 111, version: 4 })
    expect(t.view()).toEqual({ id: 'k', count: 111, version: 4 })
    expect(t.pending()).toBe(0)
  })

  it('server-wins drops the change, and the change after it goes with the 412\'s v2 it is replayed on, not the v3 a pull brought: v3\'s change stays', async () => {
    const server = createServer({ id: 'k', count: 0, version: 1 })
    const t = setup('server-wins')
    await pulledV1(t, server)
    t.increment()
    await advance()
    // A second +1 made on the first, queued behind it.
    t.increment()
    await advance()
    const v2 = server.add(10)
    const v3 = server.add(100)
    await pullNow(t, v3, 'c3')
    t.scripted.answer(() => ({ type: 'conflict', remote: v2 }))
    await advance()
    expect(t.sync.selectors.selectConflicts(t.store.getState())).toMatchObject([{ resolution: 'server-wins' }])
    // Sent with If-Match 3 it would write count 2 over v3's 110, a change no strategy ever saw.
    expect(t.sends()).toEqual([[[1, 1]], [[2, 2]]])
    t.scripted.answer((op) => server.apply(op))
    await advance()
    expect(server.get()).toEqual(v3)
    expect(t.view()).toEqual(v3)
    expect(t.pending()).toBe(0)
  })

  it('a change queued behind one whose answer (v2) is older than what a pull brought (v3) goes with If-Match 2, the version our change made', async () => {
    const server = createServer({ id: 'k', count: 0, version: 1 })
    const t = setup(addIncrement)
    await pulledV1(t, server)
    t.increment()
    await advance()
    t.increment()
    await advance()
    // The server takes our first +1 (v2); someone adds 100 (v3); a pull brings v3 before our answer.
    const answer = server.apply(t.scripted.calls[0]!.operations[0]!)
    const v3 = server.add(100)
    await pullNow(t, v3, 'c3')
    t.scripted.answer(() => answer)
    await advance()
    // The second +1 was made on our first as the server applied it (v2), not on v3.
    expect(t.sends().at(-1)).toEqual([[2, 2]])
    t.scripted.answer((op) => server.apply(op))
    await advance()
    expect(t.sends().at(-1)).toEqual([[102, 3]])
    t.scripted.answer((op) => server.apply(op))
    await advance()
    expect(server.get()).toEqual({ id: 'k', count: 102, version: 4 })
    expect(t.view()).toEqual({ id: 'k', count: 102, version: 4 })
    expect(t.pending()).toBe(0)
  })

  it('a conflict parked for a person with a change behind it: taking "remote" sends that change with the parked remote\'s version, not a pulled newer one', async () => {
    const server = createServer({ id: 'k', count: 0, version: 1 })
    const t = setup('manual')
    await pulledV1(t, server)
    t.increment()
    await advance()
    t.increment()
    await advance()
    const v2 = server.add(10)
    const v3 = server.add(100)
    // A pull brings v3 before the 412 (from a server that has seen v2 only) is answered.
    await pullNow(t, v3, 'c3')
    t.scripted.answer(() => ({ type: 'conflict', remote: v2 }))
    await advance()
    const [conflict] = t.sync.selectors.selectOpenConflicts(t.store.getState())
    expect(conflict).toMatchObject({ remote: v2 })
    t.store.dispatch(t.sync.actions.resolveConflict({ id: conflict!.id, choose: 'remote' }))
    await advance()
    expect(t.sends()).toEqual([[[1, 1]], [[2, 2]]])
    t.scripted.answer((op) => server.apply(op))
    await advance()
    // It meets v3 as a conflict of its own, parked for the person; keeping it goes with If-Match 3.
    const [second] = t.sync.selectors.selectOpenConflicts(t.store.getState())
    expect(second).toMatchObject({ remote: v3 })
    t.store.dispatch(t.sync.actions.resolveConflict({ id: second!.id, choose: 'local' }))
    await advance()
    expect(t.sends().at(-1)).toEqual([[2, 3]])
    t.scripted.answer((op) => server.apply(op))
    await advance()
    expect(t.view()).toEqual({ id: 'k', count: 2, version: 4 })
    expect(t.pending()).toBe(0)
  })

  it('a conflict parked for a person, resolved after a pull brought v3: "local" goes with If-Match 2, the remote it was resolved against', async () => {
    const server = createServer({ id: 'k', count: 0, version: 1 })
    const t = setup('manual')
    await pulledV1(t, server)
    t.increment()
    await advance()
    const v2 = server.add(10)
    t.scripted.answer((op) => server.apply(op))
    await advance()
    const v3 = server.add(100)
    await pullNow(t, v3, 'c3')
    const [conflict] = t.sync.selectors.selectOpenConflicts(t.store.getState())
    expect(conflict).toMatchObject({ remote: v2 })
    t.store.dispatch(t.sync.actions.resolveConflict({ id: conflict!.id, choose: 'local' }))
    await advance()
    expect(t.sends().at(-1)).toEqual([[1, 2]])
    t.scripted.answer((op) => server.apply(op))
    await advance()
    expect(t.sync.selectors.selectOpenConflicts(t.store.getState())).toMatchObject([{ remote: v3 }])
  })
})

// Durability invariant 3 for an answer that has no version: a 404 (the record gone when the server applied
// the change) given again from the server's stored answers, after a pull brought the record created anew.
// Chaos seed 10698: the record was deleted, our update applied then (404, its answer too slow), created
// again by someone else; the pull after a 410 brought it, and the update's replayed 404 took it from the
// view for good (the feed had nothing more to say about it).
describe('an answer that the record is gone does not remove a record a pull brought since the change was made', () => {
  it('server-wins: the replayed 404 drops the change, and the record the pull brought stays', async () => {
    const server = createServer({ id: 'k', count: 0, version: 1 })
    const t = setup('server-wins')
    await pulledV1(t, server)
    t.increment()
    await advance()
    // Deleted and created anew (its version starts again) while our change was on its way.
    const anew: Counter = { id: 'k', count: 50, version: 3 }
    await pullNow(t, anew, 'c5')
    t.scripted.answer(() => ({ type: 'conflict', remote: null }))
    await advance()
    expect(t.view()).toEqual(anew)
    expect(t.pending()).toBe(0)
  })

  it('with no pull since the change was made, the 404 still removes the record (server-wins)', async () => {
    const server = createServer({ id: 'k', count: 0, version: 1 })
    const t = setup('server-wins')
    await pulledV1(t, server)
    t.increment()
    await advance()
    t.scripted.answer(() => ({ type: 'conflict', remote: null }))
    await advance()
    expect(t.view()).toBeUndefined()
    expect(t.pending()).toBe(0)
  })
})

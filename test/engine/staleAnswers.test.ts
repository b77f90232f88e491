import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { pulledPage } from '../../src/slices/actions'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter, ok, retry } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

// Durability invariant 3: confirmed state never moves backwards. An answer older (by version) than what a
// pull already brought confirms its operation but does not replace the newer data.

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

function setup() {
  const scripted = createScriptedAdapter()
  const pulls = createPullScript()
  const adapter = { ...scripted.adapter, pull: pulls.pull }
  const t = createTestStore(adapter, { now: () => Date.now(), pullIntervalMs: 0 })
  return { ...t, scripted, pulls }
}

async function confirmedV1(t: ReturnType<typeof setup>) {
  t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A', done: false }))
  await advance()
  t.scripted.answer((op) => ok({ ...op.data, version: 1 }))
  await advance()
  expect(t.view()).toEqual([{ id: 'a', title: 'A', done: false, version: 1 }])
}

const v3 = { id: 'a', title: 'mine', done: true, version: 3 }

describe('an answer older than what a pull brought', () => {
  it('a slow answer (v2) arriving after a pull brought v3 confirms the change and leaves the view at v3', async () => {
    const t = setup()
    await confirmedV1(t)
    t.pulls.setIdle(false)
    t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { title: 'mine' } }))
    await advance()
    expect(t.scripted.waitingCount()).toBe(1)
    // Someone else set done after our change reached the server: the pull brings v3.
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer({ changes: [{ id: 'a', record: v3 }], cursor: 'c3', hasMore: false })
    await advance()
    expect(t.view()).toEqual([v3])
    // Now the answer to our change arrives, carrying v2.
    t.scripted.answer(() => ok({ id: 'a', title: 'mine', done: false, version: 2 }))
    await advance()
    expect(t.view()).toEqual([v3])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
    expect(t.sync.selectors.selectIsPending(t.store.getState(), 'todos', 'a')).toBe(false)
  })

  it('a replayed stored answer (v2) to a retried change after a pull brought v3 leaves the view at v3', async () => {
    const t = setup()
    await confirmedV1(t)
    t.pulls.setIdle(false)
    t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { title: 'mine' } }))
    await advance()
    // The server applied it (v2) but the answer was lost: a transient failure as far as we know.
    t.scripted.answer(() => retry())
    await advance()
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer({ changes: [{ id: 'a', record: v3 }], cursor: 'c3', hasMore: false })
    await advance()
    expect(t.view()).toEqual([v3])
    // The retry gets the server's stored answer for the idempotency key: v2.
    await vi.advanceTimersByTimeAsync(10_000)
    expect(t.scripted.waitingCount()).toBe(1)
    t.scripted.answer(() => ok({ id: 'a', title: 'mine', done: false, version: 2 }))
    await advance()
    expect(t.view()).toEqual([v3])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  })

  it('a conflict whose remote is older than what a pull brought settles the change but keeps the newer record', async () => {
    const t = setup()
    await confirmedV1(t)
    t.pulls.setIdle(false)
    t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { title: 'mine' } }))
    await advance()
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer({ changes: [{ id: 'a', record: v3 }], cursor: 'c3', hasMore: false })
    await advance()
    // server-wins by default: the change is dropped, and the confirmed state stays at v3.
    t.scripted.answer(() => ({ type: 'conflict', remote: { id: 'a', title: 'theirs', done: false, version: 2 } }))
    await advance()
    expect(t.view()).toEqual([v3])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  })
})

// Durability invariant 3 for deletions. Found by chaos seed 243 (--no-tabs): a change restored after a
// crash went again after a pull had brought the record's tombstone; the server's stored answer (the
// record as our change left it, before someone else deleted it) put the record back for good, the cursor
// being past the tombstone.
describe('an answer about a record a pull has shown deleted since the change was made', () => {
  async function updateInFlightThenTombstone(t: ReturnType<typeof setup>) {
    await confirmedV1(t)
    t.pulls.setIdle(false)
    t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { title: 'mine' } }))
    await advance()
    expect(t.scripted.waitingCount()).toBe(1)
    // Someone else deleted the record after our change reached the server: the pull brings the tombstone.
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer({ changes: [{ id: 'a', record: null }], cursor: 'c3', hasMore: false })
    await advance()
    expect(t.view()).toEqual([])
  }

  it('an ok answer to an update (the record as the change left it) confirms the change and leaves the record deleted', async () => {
    const t = setup()
    await updateInFlightThenTombstone(t)
    t.scripted.answer(() => ok({ id: 'a', title: 'mine', done: false, version: 2 }))
    await advance()
    expect(t.view()).toEqual([])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
    expect(t.sync.selectors.selectIsPending(t.store.getState(), 'todos', 'a')).toBe(false)
  })

  it('an ok answer without a record confirms the change and leaves the record deleted', async () => {
    const t = setup()
    await updateInFlightThenTombstone(t)
    t.scripted.answer(() => ok())
    await advance()
    expect(t.view()).toEqual([])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  })

  it('a conflict whose remote the pull has shown deleted since settles the change and leaves the record deleted', async () => {
    const t = setup()
    await updateInFlightThenTombstone(t)
    // server-wins by default: the change is dropped; the record stays as the newest news had it: deleted.
    t.scripted.answer(() => ({ type: 'conflict', remote: { id: 'a', title: 'theirs', done: false, version: 2 } }))
    await advance()
    expect(t.view()).toEqual([])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  })

  it('a record created again after the tombstone comes back with the next pull', async () => {
    const t = setup()
    await updateInFlightThenTombstone(t)
    t.scripted.answer(() => ok({ id: 'a', title: 'mine', done: false, version: 2 }))
    await advance()
    // The pull after the drain reads on from the tombstone's cursor.
    t.pulls.answer({ changes: [{ id: 'a', record: { id: 'a', title: 'again', done: false, version: 4 } }], cursor: 'c4', hasMore: false })
    await advance()
    expect(t.view()).toEqual([{ id: 'a', title: 'again', done: false, version: 4 }])
  })
})

// Found by chaos seed 520 (--no-tabs): a create restored after a crash (possibly sent) went again after a
// pull had brought the record and its tombstone (someone deleted it once our create was applied); the
// server's stored answer to the create put the record back for good.
describe('an answer to a create a pull has shown deleted while it was possibly on its way', () => {
  async function createInFlightThenTombstone(t: ReturnType<typeof setup>) {
    t.pulls.setIdle(false)
    t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    expect(t.scripted.waitingCount()).toBe(1)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer({
      changes: [
        { id: 'a', record: { id: 'a', title: 'A', done: false, version: 1 } },
        { id: 'a', record: null },
      ],
      cursor: 'c2',
      hasMore: false,
    })
    await advance()
  }

  it('an ok answer (the record as created) confirms the create and leaves the record deleted', async () => {
    const t = setup()
    await createInFlightThenTombstone(t)
    t.scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    expect(t.view()).toEqual([])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  })

  it('a change made after the tombstone is answered as usual', async () => {
    const t = setup()
    await createInFlightThenTombstone(t)
    t.scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'again', done: false }))
    await advance()
    t.scripted.answer((op) => ok({ ...op.data, version: 3 }))
    await advance()
    expect(t.view()).toEqual([{ id: 'a', title: 'again', done: false, version: 3 }])
  })
})

// Found by chaos seed 807 (--no-tabs): a delete applied on the server whose answer was lost went again;
// meanwhile someone created the record again (its version starting at 1 again) and a pull brought it; the
// server's stored answer to the delete then removed the new record for good, the cursor being past it.
describe('a delete answered after a pull brought the record created again', () => {
  async function deleteInFlightThenPull(t: ReturnType<typeof setup>, changes: Array<{ id: string; record: Record<string, unknown> | null }>) {
    await confirmedV1(t)
    t.pulls.setIdle(false)
    t.store.dispatch(t.todos.actions.removed('a'))
    await advance()
    expect(t.scripted.waitingCount()).toBe(1)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer({ changes, cursor: 'c3', hasMore: false })
    await advance()
    t.scripted.answer(() => ok())
    await advance()
  }

  it('confirms the delete and leaves the new record in view', async () => {
    const t = setup()
    const again = { id: 'a', title: 'again', done: false, version: 1 }
    await deleteInFlightThenPull(t, [
      { id: 'a', record: null },
      { id: 'a', record: again },
    ])
    expect(t.view()).toEqual([again])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  })

  it('leaves the new record in view when its version starts again below the deleted one', async () => {
    const t = setup()
    await confirmedV1(t)
    const v2 = { id: 'a', title: 'A', done: true, version: 2 }
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    // The pull script is idle here (empty pages): the record reaches v2 by a page dispatched as the pull would.
    t.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: v2 }], cursor: 'c2', hasMore: false, at: 1 }))
    expect(t.view()).toEqual([v2])
    t.pulls.setIdle(false)
    t.store.dispatch(t.todos.actions.removed('a'))
    await advance()
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    const again = { id: 'a', title: 'again', done: false, version: 1 }
    t.pulls.answer({ changes: [{ id: 'a', record: null }, { id: 'a', record: again }], cursor: 'c3', hasMore: false })
    await advance()
    t.scripted.answer(() => ok())
    await advance()
    expect(t.view()).toEqual([again])
  })

  it('removes the record when the pull brought it as the delete was made on it', async () => {
    const t = setup()
    await deleteInFlightThenPull(t, [{ id: 'a', record: { done: false, version: 1, title: 'A', id: 'a' } }])
    expect(t.view()).toEqual([])
  })
})

// Found by chaos seed 3859 (--no-tabs): a conflict answer (remote v2) arrived after a pull had brought the
// record's tombstone and the record created again (its version starting at 1 again); compared by version
// the old remote replaced the new record for good.
describe('an answer arriving after a pull brought the record deleted and created again', () => {
  async function updateInFlightThenRecreated(t: ReturnType<typeof setup>) {
    await confirmedV1(t)
    t.pulls.setIdle(false)
    t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { title: 'mine' } }))
    await advance()
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer({ changes: [{ id: 'a', record: null }, { id: 'a', record: again }], cursor: 'c3', hasMore: false })
    await advance()
  }
  const again = { id: 'a', title: 'again', done: false, version: 1 }

  it('a conflict with the record before the delete settles the change and keeps the new record', async () => {
    const t = setup()
    await updateInFlightThenRecreated(t)
    t.scripted.answer(() => ({ type: 'conflict', remote: { id: 'a', title: 'theirs', done: false, version: 2 } }))
    await advance()
    expect(t.view()).toEqual([again])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
  })

  it('an ok answer about the record before the delete confirms the change and keeps the new record', async () => {
    const t = setup()
    await updateInFlightThenRecreated(t)
    t.scripted.answer(() => ok({ id: 'a', title: 'mine', done: false, version: 2 }))
    await advance()
    expect(t.view()).toEqual([again])
  })
})

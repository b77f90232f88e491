import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { pulledPage } from '../../src/slices/actions'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

// Updates and deletes carry the version they were made on (Durability invariant 3: a change made on an
// older state never overwrites a newer one). A change made on a record the server does not have (its
// confirmed state was the record's absence: a 404 conflict said so) has no version to send. Sent without
// If-Match it would delete or overwrite a record someone else created again since, which this change
// never saw (chaos seed 4939: a "keep mine" create deleted by another client's delete).

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

/** Record `a` at v1, then an edit of it answered 404 (the server deleted it): parked for a person. */
async function editMetDeletion() {
  const scripted = createScriptedAdapter()
  const t = createTestStore(scripted.adapter, { now: () => Date.now(), pullIntervalMs: 0, conflict: 'manual' })
  t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A', done: false }))
  await advance()
  scripted.answer((op) => ok({ ...op.data, version: 1 }))
  await advance()
  t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { title: 'mine' } }))
  await advance()
  scripted.answer(() => ({ type: 'conflict', remote: null }))
  await advance()
  const open = t.sync.selectors.selectOpenConflicts(t.store.getState())
  expect(open).toHaveLength(1)
  return { ...t, scripted, conflictId: open[0]!.id }
}

/** Every operation sent after the first two pushes (the create and the edit), with its If-Match. */
function laterSends(scripted: ReturnType<typeof createScriptedAdapter>) {
  return scripted.calls.slice(2).flatMap((call) => call.operations.map((op) => ({ kind: op.kind, baseVersion: op.baseVersion })))
}

describe('a change made on a record the server does not have', () => {
  it('a delete made after an edit met the deletion is never sent without If-Match: it is done, as the server has no record', async () => {
    const t = await editMetDeletion()
    t.store.dispatch(t.todos.actions.removed('a'))
    await advance()
    // The person takes the server's side (deleted); the delete made meanwhile is what is left.
    t.store.dispatch(t.sync.actions.resolveConflict({ id: t.conflictId, choose: 'remote' }))
    await advance()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(laterSends(t.scripted).filter((op) => op.baseVersion === null)).toEqual([])
    expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
    expect(t.sync.selectors.selectFailed(t.store.getState())).toEqual([])
    expect(t.view()).toEqual([])
  })

  it('an edit made after an edit met the deletion is never sent without If-Match: it meets the deletion as a conflict', async () => {
    const t = await editMetDeletion()
    t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { done: true } }))
    await advance()
    t.store.dispatch(t.sync.actions.resolveConflict({ id: t.conflictId, choose: 'remote' }))
    await advance()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(laterSends(t.scripted).filter((op) => op.baseVersion === null)).toEqual([])
    // The person is asked about the edit, as a 404 for it would have asked; nothing waits to be sent.
    expect(t.sync.selectors.selectOps(t.store.getState()).map((op) => [op.kind, op.status])).toEqual([['update', 'conflict']])
    expect(t.sync.selectors.selectOpenConflicts(t.store.getState())).toHaveLength(1)
  })

  it('a delete made on the deletion meets a record a pull brought created again since as a conflict, never deleting it blindly', async () => {
    const t = await editMetDeletion()
    t.store.dispatch(t.todos.actions.removed('a'))
    await advance()
    // Someone created `a` again (its version starts again at 1); a pull brings it.
    const again = { id: 'a', title: 'theirs', done: false, version: 1 }
    t.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: again }], cursor: 'c9', hasMore: false, at: 1 }))
    t.store.dispatch(t.sync.actions.resolveConflict({ id: t.conflictId, choose: 'remote' }))
    await advance()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(laterSends(t.scripted).filter((op) => op.baseVersion === null)).toEqual([])
    // The delete was made on the record's absence, not on this record: the person is asked.
    const open = t.sync.selectors.selectOpenConflicts(t.store.getState())
    expect(open.map((conflict) => [conflict.kind, conflict.remote])).toEqual([['delete', again]])
    t.store.dispatch(t.sync.actions.resolveConflict({ id: open[0]!.id, choose: 'remote' }))
    await advance()
    expect(t.view()).toEqual([again])
    expect(t.sync.selectors.selectOps(t.store.getState())).toEqual([])
  })
  it('a delete made after a pull brought the record created again, while the edit waits, is stamped with what it was made on, not the pulled record\'s version', async () => {
    const t = await editMetDeletion()
    // Someone created `a` again (its version starts again at 1); a pull brings it before the delete is made.
    const again = { id: 'a', title: 'theirs', done: false, version: 1 }
    t.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: again }], cursor: 'c9', hasMore: false, at: 1 }))
    t.store.dispatch(t.todos.actions.removed('a'))
    await advance()
    t.store.dispatch(t.sync.actions.resolveConflict({ id: t.conflictId, choose: 'remote' }))
    await advance()
    await vi.advanceTimersByTimeAsync(10_000)
    // The delete was made on our parked edit over the record's absence, never on the record created
    // again: with that record's version (If-Match 1) it would delete it blindly.
    expect(laterSends(t.scripted)).toEqual([])
    const open = t.sync.selectors.selectOpenConflicts(t.store.getState())
    expect(open.map((conflict) => [conflict.kind, conflict.remote])).toEqual([['delete', again]])
  })
})

describe('a change made on our own create, not on the record\'s absence', () => {
  it('a change queued behind a create a pull has shown deleted while on its way goes with the version the create got', async () => {
    const scripted = createScriptedAdapter()
    const t = createTestStore(scripted.adapter, { now: () => Date.now(), pullIntervalMs: 0, conflict: 'server-wins' })
    t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    expect(scripted.waitingCount()).toBe(1)
    // A page read while the create was on its way: the id created and deleted before (by someone else).
    const before = { id: 'a', title: 'old', done: false, version: 1 }
    t.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: before }, { id: 'a', record: null }], cursor: 'c2', hasMore: false, at: 1 }))
    t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { done: true } }))
    await advance()
    scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    // The edit was made on our create as the server applied it: it goes with that version, and is neither
    // sent blindly nor taken for a change made on the record's absence (server-wins would drop it).
    expect(scripted.waitingCount()).toBe(1)
    expect(scripted.calls.at(-1)!.operations.map((op) => [op.kind, op.baseVersion])).toEqual([['update', 1]])
    scripted.answer(() => ok({ id: 'a', title: 'A', done: true, version: 2 }))
    await advance()
    expect(t.sync.selectors.selectOps(t.store.getState())).toEqual([])
  })
})

describe('a change another tab made on a record this tab has since seen deleted', () => {
  it('is made on the record the other tab saw: with client-wins, an edit that meets the deletion comes back as a create (chaos seed 8859)', async () => {
    // Both tabs confirmed `a` at v1; the other tab edits it, and this (sending) tab's pull brings the
    // server's deletion before the other tab's action reaches it.
    const tabs = [createScriptedAdapter(), createScriptedAdapter()].map((scripted) => {
      const t = createTestStore(scripted.adapter, { now: () => Date.now(), pullIntervalMs: 0, conflict: 'client-wins' })
      return { ...t, scripted }
    })
    for (const t of tabs) {
      t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A', done: false }))
      await advance()
      t.scripted.answer((op) => ok({ ...op.data, version: 1 }))
      await advance()
    }
    const [sender, other] = tabs as [(typeof tabs)[0], (typeof tabs)[0]]
    other.network.setOnline(false)
    const made = other.store.dispatch(other.todos.actions.updated({ id: 'a', changes: { title: 'mine' } }))
    sender.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: null }], cursor: 'c2', hasMore: false, at: 1 }))
    sender.store.dispatch(made)
    await advance()
    sender.scripted.answer(() => ({ type: 'conflict', remote: null }))
    await advance()
    await vi.advanceTimersByTimeAsync(10_000)
    const sent = sender.scripted.calls.slice(1).flatMap((call) => call.operations.map((op) => ({ kind: op.kind, data: op.data })))
    expect(sent[0]).toMatchObject({ kind: 'update', data: { title: 'mine' } })
    expect(sent[1]).toMatchObject({ kind: 'create', data: { id: 'a', title: 'mine', done: false } })
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PullPage, SyncOutcome } from '../../src'
import { opsSent, userSwitched } from '../../src/slices/actions'
import { advance } from '../support/driver'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter, ok, reject, retry } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'

// Confirmation by pull (issue 11): an operation whose answer was lost is asked about in the next pull
// (`unanswered`), and an answer the backend gives there (`answered`) settles it as the push answer would
// have, without sending it again.

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

function setup(options: Parameters<typeof createTestStore>[1] = {}) {
  const scripted = createScriptedAdapter()
  const pulls = createPullScript()
  const adapter = { ...scripted.adapter, pull: pulls.pull }
  const t = createTestStore(adapter, { now: () => Date.now(), pullIntervalMs: 0, ...options })
  return { ...t, scripted, pulls }
}

type T = ReturnType<typeof setup>

const page = (answered: PullPage['answered'], changes: PullPage['changes'] = []): PullPage => ({ changes, cursor: 'c1', hasMore: false, answered })
const pending = (t: T) => t.sync.selectors.selectPendingCount(t.store.getState())
const ops = (t: T) => t.sync.selectors.selectOps(t.store.getState())

/** A confirmed record `a` at v1, then an update whose request reached the server but whose answer was lost. */
async function updateWithLostAnswer(t: T) {
  t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A', done: false }))
  await advance()
  t.scripted.answer((op) => ok({ ...op.data, version: 1 }))
  await advance()
  t.pulls.setIdle(false)
  t.store.dispatch(t.todos.actions.updated({ id: 'a', changes: { title: 'mine' } }))
  await advance()
  // The server applied it (v2); the connection dropped on the way back.
  t.scripted.answer(() => retry())
  await advance()
  expect(ops(t)).toMatchObject([{ id: 'op-2', status: 'pending', attempts: 1 }])
}

describe('what a pull asks about', () => {
  it('leaves `unanswered` out when no operation waits for a lost answer', async () => {
    const t = setup()
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    expect(t.pulls.calls.length).toBeGreaterThan(0)
    for (const call of t.pulls.calls) expect('unanswered' in call).toBe(false)
  })

  it('asks about an operation sent without an answer, not about one never sent or one in flight', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    // `b` is created and goes out (its request waits); a change of `b` made meanwhile waits behind it, never sent.
    t.store.dispatch(t.todos.actions.added({ id: 'b', title: 'B', done: false }))
    await advance()
    t.store.dispatch(t.todos.actions.updated({ id: 'b', changes: { done: true } }))
    await advance()
    expect(ops(t).map((op) => [op.id, op.status, op.attempts])).toEqual([
      ['op-2', 'pending', 1],
      ['op-3', 'inflight', 1],
      ['op-4', 'pending', 0],
    ])
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    expect(t.pulls.calls.at(-1)!.unanswered).toEqual(['op-2'])
  })
})

describe('an operation whose answer was lost', () => {
  it('is confirmed by the next pull and never sent again (one request in all)', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    expect(t.pulls.calls.at(-1)!.unanswered).toEqual(['op-2'])
    const v2 = { id: 'a', title: 'mine', done: false, version: 2 }
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'ok', record: v2 } }], [{ id: 'a', record: v2 }]))
    await advance()
    expect(pending(t)).toBe(0)
    expect(t.view()).toEqual([v2])
    // Long past its retry time: nothing more goes.
    await advance(60_000)
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2']])
    expect(t.status().lastSyncedAt).not.toBeNull()
    expect(t.errors).toEqual([])
  })

  it("is sent again under its key when the backend does not know it (left out of `answered`)", async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer(page([]))
    await advance(10_000)
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2'], ['op-2']])
  })

  it('an answer older than what the page brought confirms the change and leaves the newer record (invariant 3)', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    // Someone else changed the record after ours: the page brings v3, the stored answer is v2.
    const v3 = { id: 'a', title: 'mine', done: true, version: 3 }
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'ok', record: { id: 'a', title: 'mine', done: false, version: 2 } } }], [{ id: 'a', record: v3 }]))
    await advance()
    expect(t.view()).toEqual([v3])
    expect(pending(t)).toBe(0)
  })

  it('an answered delete after a page that brought the record created again keeps that record', async () => {
    const t = setup()
    t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    t.scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    t.pulls.setIdle(false)
    t.store.dispatch(t.todos.actions.removed('a'))
    await advance()
    t.scripted.answer(() => retry())
    await advance()
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'ok' } }], [{ id: 'a', record: null }]))
    await advance()
    expect(t.view()).toEqual([])
    expect(pending(t)).toBe(0)
  })

  it('a conflict answered settles it by the strategy (server-wins: the change is dropped, the conflict listed)', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    const theirs = { id: 'a', title: 'theirs', done: false, version: 2 }
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'conflict', remote: theirs } }]))
    await advance()
    expect(t.view()).toEqual([theirs])
    expect(pending(t)).toBe(0)
    expect(t.sync.selectors.selectConflicts(t.store.getState())).toMatchObject([{ id: 'op-2', resolution: 'server-wins', remote: theirs }])
    await advance(60_000)
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2']])
  })

  it('a conflict answered under client-wins re-sends the change on the remote record under a new id, at once', async () => {
    const t = setup({ conflict: 'client-wins' })
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    const theirs = { id: 'a', title: 'theirs', done: true, version: 2 }
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'conflict', remote: theirs } }]))
    await advance()
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2'], ['op-3']])
    expect(t.scripted.calls.at(-1)!.operations[0]).toMatchObject({ id: 'op-3', baseVersion: 2, data: { title: 'mine' } })
  })

  it('a reject answered rolls the change back and lists it as failed', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer(page([{ id: 'op-2', outcome: reject('title too long') }]))
    await advance()
    expect(t.view()).toEqual([{ id: 'a', title: 'A', done: false, version: 1 }])
    expect(t.sync.selectors.selectFailed(t.store.getState())).toMatchObject([{ id: 'op-2', lastError: { message: 'title too long' } }])
  })

  it('a retry answered waits its time and goes again; an auth answered asks the app for credentials', async () => {
    const onAuthError = vi.fn(() => true)
    const t = setup({ onAuthError })
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer(page([{ id: 'op-2', outcome: retry(30_000) }]))
    await advance(20_000)
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2']])
    await advance(10_000)
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2'], ['op-2']])
    t.scripted.answer(() => retry())
    await advance()
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'auth', error: { name: 'SyncHttpError', message: 'HTTP 401', code: 'http-error', status: 401 } } }]))
    await advance()
    expect(onAuthError).toHaveBeenCalledTimes(1)
  })
})

describe('answers a pull must not apply', () => {
  it('ignores an answer for an operation it did not ask about, one of another user, and a second answer for one id', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    const v2 = { id: 'a', title: 'mine', done: false, version: 2 }
    t.pulls.answer(
      page([
        { id: 'op-99', outcome: { type: 'ok' } },
        { id: 'op-2', outcome: { type: 'ok', record: v2 } },
        { id: 'op-2', outcome: { type: 'reject', error: { name: 'E', message: 'no', code: 'http-error' } } },
      ]),
    )
    await advance()
    expect(pending(t)).toBe(0)
    expect(t.sync.selectors.selectFailed(t.store.getState())).toEqual([])
    expect(t.view()).toEqual([v2])
  })

  it('holds the operation from the drain while the pull asks about it, and sends it once the backend says it does not have it', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    // Its retry time comes while the pull waits: it is not sent meanwhile.
    await advance(10_000)
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2']])
    expect(ops(t)).toMatchObject([{ id: 'op-2', status: 'pending' }])
    t.pulls.answer(page([]))
    await advance()
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2'], ['op-2']])
  })

  it('ignores an answer for an operation in flight by then (sent by another tab, say): its own answer settles it', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    // Marked sent while the page is on its way, as a message from the tab that sends would mark it.
    t.store.dispatch(opsSent({ seqs: [ops(t)[0]!.seq], at: Date.now(), probe: false }))
    t.pulls.answer(page([{ id: 'op-2', outcome: reject('not applied') }]))
    await advance()
    expect(ops(t)).toMatchObject([{ id: 'op-2', status: 'inflight' }])
    expect(t.sync.selectors.selectFailed(t.store.getState())).toEqual([])
  })

  it('sends the operation after a pull that asked about it failed', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    await advance(10_000)
    t.pulls.fail(new Error('offline for a moment'))
    await advance()
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2'], ['op-2']])
  })

  it('ignores an answer for an operation settled meanwhile (a pull that asked about it in another run)', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    const first = t.pulls.calls.at(-1)!
    // The same operation settled while this page was on its way: a second pull, answered first, says so.
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'ok', record: { id: 'a', title: 'mine', done: false, version: 2 } } }]))
    await advance()
    expect(pending(t)).toBe(0)
    expect(first.unanswered).toEqual(['op-2'])
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    expect(t.pulls.calls.at(-1)!.unanswered).toBeUndefined()
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'conflict', remote: { id: 'a', title: 'theirs', version: 2 } } }]))
    await advance()
    expect(t.sync.selectors.selectConflicts(t.store.getState())).toEqual([])
    expect(t.view()).toEqual([{ id: 'a', title: 'mine', done: false, version: 2 }])
  })

  it('reports a malformed answer (another record) and sends the operation again instead', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'ok', record: { id: 'zzz', version: 9 } } as SyncOutcome }]))
    await advance(10_000)
    expect(t.errors.map((e) => e.raisedBy)).toEqual(['adapter'])
    expect(String(t.errors[0]!.error)).toContain('another record')
    expect(t.scripted.sent()).toEqual([['op-1'], ['op-2'], ['op-2']])
  })

  it('reports an `answered` that is not a list and still applies the page', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    const v3 = { id: 'a', title: 'x', done: true, version: 3 }
    t.pulls.answer({ changes: [{ id: 'a', record: v3 }], cursor: 'c1', hasMore: false, answered: { 'op-2': 'ok' } as unknown as PullPage['answered'] })
    await advance()
    expect(t.errors).toHaveLength(1)
    expect(t.view()).toEqual([{ ...v3, title: 'mine' }])
    expect(ops(t)).toMatchObject([{ id: 'op-2', status: 'pending' }])
  })

  it('drops the answers of a pull made before another user signed in (invariant 4)', async () => {
    const t = setup()
    await updateWithLostAnswer(t)
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    const asked = t.pulls.calls.at(-1)!
    t.store.dispatch(userSwitched({ userId: 'bob', hydrated: true }))
    expect(asked.signal.aborted).toBe(true)
    const syncedBefore = t.status().lastSyncedAt
    t.pulls.answer(page([{ id: 'op-2', outcome: { type: 'ok' } }], [{ id: 'a', record: { id: 'a', title: 'old user', version: 7 } }]))
    await advance()
    expect(t.status().lastSyncedAt).toBe(syncedBefore)
    expect(t.view()).toEqual([])
  })
})

describe('asking page by page', () => {
  it('asks about at most 100 operations per request, and about the next ones on the next page', async () => {
    const t = setup({ batchSize: 200 })
    t.network.setOnline(false)
    for (let i = 0; i < 150; i++) t.store.dispatch(t.todos.actions.added({ id: `r${i}`, title: 'x', done: false }))
    t.network.setOnline(true)
    await advance()
    t.pulls.setIdle(false)
    t.scripted.answer(() => retry(60_000))
    await advance()
    t.store.dispatch(t.sync.actions.pullNow('todos'))
    await advance()
    const first = t.pulls.calls.at(-1)!
    expect(first.unanswered).toHaveLength(100)
    t.pulls.answer({ changes: [], cursor: 'c1', hasMore: true, answered: first.unanswered!.map((id) => ({ id, outcome: { type: 'ok' } })) })
    await advance()
    const second = t.pulls.calls.at(-1)!
    expect(second.unanswered).toHaveLength(50)
    expect(second.unanswered!.some((id) => first.unanswered!.includes(id))).toBe(false)
    t.pulls.answer({ changes: [], cursor: 'c2', hasMore: false, answered: [] })
    await advance()
    expect(pending(t)).toBe(50)
  })
})
